using CsCheck;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Tests;

public sealed class ClassAwareNmsTests
{
    private static Detection D(float x0, float y0, float x1, float y1, float score, int query) => new(new PixelBox(x0, y0, x1, y1), score, query, $"q{query}");

    [Fact]
    public void SameQueryOverlapIsSuppressedOtherQueriesAreKept()
    {
        var a = D(0, 0, 10, 10, 0.9f, 0);
        var b = D(1, 1, 11, 11, 0.8f, 0);     // IoU 81/119 ≈ 0.68 with a
        var c = D(1, 1, 11, 11, 0.7f, 1);     // same box as b, other query
        var e = D(5, 0, 15, 10, 0.6f, 0);     // IoU 50/150 = 1/3 with a, 45/... with b (suppressed anyway)
        Assert.Equal([a, c], ClassAwareNms.Apply([e, c, b, a], 0.3f));
        Assert.Equal([a, c, e], ClassAwareNms.Apply([e, c, b, a], 0.5f));
        Assert.Equal([a, b, c, e], ClassAwareNms.Apply([e, c, b, a], 1f));
        Assert.Equal([a], ClassAwareNms.Apply([e, c, b, a], 0.3f, maxCount: 1));
    }

    [Fact]
    public void CenterBoxesScaleAndClip()
    {
        Assert.Equal(new PixelBox(240, 240, 400, 400), DetectorPostprocessing.CenterBoxToPixels([0.5f, 0.5f, 0.25f, 0.25f], 640, 640, 640, 480));
        // Centre (0, 0), 50 × 20: half of it lies left of and above the image.
        Assert.Equal(new PixelBox(0, 0, 25, 10), DetectorPostprocessing.CenterBoxToPixels([0f, 0f, 0.5f, 0.5f], 100, 40, 100, 40));
    }

    [Fact]
    public void KeptSetIsSortedAndHasNoSameQueryOverlapAboveThreshold()
    {
        var box = from x in Gen.Float[0, 50] from y in Gen.Float[0, 50] from w in Gen.Float[1, 30] from h in Gen.Float[1, 30]
                  from s in Gen.Float[0, 1] from q in Gen.Int[0, 2] select D(x, y, x + w, y + h, s, q);
        Gen.Select(box.List[0, 30], Gen.Float[0.1f, 0.9f]).Sample((list, iou) =>
        {
            var kept = ClassAwareNms.Apply(list, iou);
            for (int i = 1; i < kept.Count; i++) Assert.True(kept[i - 1].Score >= kept[i].Score);
            foreach (var k in kept) Assert.Contains(k, list);
            for (int i = 0; i < kept.Count; i++)
                for (int j = i + 1; j < kept.Count; j++)
                    if (kept[i].QueryIndex == kept[j].QueryIndex) Assert.True(kept[i].Box.Iou(kept[j].Box) <= iou);
            // Every dropped detection overlaps a better kept one of its query.
            foreach (var d in list.Except(kept))
                Assert.Contains(kept, k => k.QueryIndex == d.QueryIndex && k.Score >= d.Score && k.Box.Iou(d.Box) > iou);
        });
    }
}
