using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Tests;

public sealed class Florence2RegionTextTests
{
    private static void AssertRegion(RegionCaption r, string caption, float x0, float y0, float x1, float y1)
    {
        Assert.Equal(caption, r.Caption);
        Assert.Equal(x0, r.Box.X0, 3); Assert.Equal(y0, r.Box.Y0, 3); Assert.Equal(x1, r.Box.X1, 3); Assert.Equal(y1, r.Box.Y1, 3);
    }

    [Fact]
    public void LabelsWithOneOrMoreBoxGroups()
    {
        // 640×480: x = (bin + 0.5)/1000 × 640, y = (bin + 0.5)/1000 × 480.
        var regions = Florence2RegionText.Parse(
            "</s><s>red mug<loc_0><loc_0><loc_499><loc_999>car<loc_100><loc_200><loc_300><loc_400><loc_600><loc_500><loc_700><loc_900></s><pad>", 640, 480);
        Assert.Equal(3, regions.Count);
        AssertRegion(regions[0], "red mug", 0.32f, 0.24f, 319.68f, 479.76f);
        AssertRegion(regions[1], "car", 64.32f, 96.24f, 192.32f, 192.24f);
        AssertRegion(regions[2], "car", 384.32f, 240.24f, 448.32f, 432.24f);
    }

    [Fact]
    public void CutShortUnlabelledAndEmptyGroupsAreDropped()
    {
        var regions = Florence2RegionText.Parse("<loc_1><loc_2><loc_3><loc_4>a lamp<loc_5><loc_5><loc_5><loc_9>table<loc_10><loc_20><loc_30><loc_40>chair<loc_1><loc_2>", 1000, 1000);
        AssertRegion(Assert.Single(regions), "table", 10.5f, 20.5f, 30.5f, 40.5f);
    }

    [Fact]
    public void BinOutsideTheQuantizerIsAnError()
    {
        var e = Assert.Throws<SpatialVlmException>(() => Florence2RegionText.Parse("cup<loc_1><loc_2><loc_1000><loc_4>", 10, 10));
        Assert.Contains("<loc_1000>", e.Message);
    }
}
