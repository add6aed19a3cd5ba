using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// Box-only COCO objects on the shared TUM frame (Kinect noise, depth value/5000): a foam die standing on the desk
/// must come apart from the desk top it touches, and the office chair from the floor and desk behind it.
/// Boxes picked by eye from other_formats/TUM_color.png.
/// </summary>
public sealed class BoxOnlyTumTests : IDisposable
{
    private readonly RgbdTestFolder folder = new RgbdTestFolder("""{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_format":"tum"}""")
        .AddShared("tum", "other_formats/TUM_color.png", "other_formats/TUM_depth.png");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void DieOnTheDeskAndOfficeChairHavePlausibleSizes()
    {
        folder.WriteAnnotations(("tum.png", [("die", RgbdTestFolder.Box(120, 195, 55, 50)), ("office chair", RgbdTestFolder.Box(0, 255, 240, 225))]));
        var source = new RgbdFolderSource(folder.Root);
        var result = new SynthesisPipeline(new SynthesisOptions()).Run(source.Load(source.Items.Single()), 3);
        Assert.True(result.Frame.Canonicalized, result.Frame.Failure);
        var die = result.Objects.Single(o => o.Spatial.Caption == "die").Spatial.Box;
        Assert.InRange(die.Width, 0.08, 0.3);
        Assert.InRange(die.Length, 0.05, 0.3);
        Assert.InRange(die.Height, 0.08, 0.3);
        Assert.InRange(die.Bottom, 0.6, 0.9); // on the desk top, not the desk
        var chair = result.Objects.Single(o => o.Spatial.Caption == "office chair").Spatial.Box;
        Assert.InRange(chair.Width, 0.4, 1.2);
        Assert.InRange(chair.Length, 0.3, 1.2);
        Assert.InRange(chair.Height, 0.6, 1.3);
        Assert.InRange(chair.Bottom, 0, 0.1); // on the floor
    }
}
