using SpatialVlm.Core;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// A COCO file with boxes only over the shared Redwood frame 00000: the rocking chair's box and the curtain's (picked
/// by eye from color/00000.jpg). Each box must become the object's pixels, not the floor and wall it also holds; the
/// chair must measure about 0.5–1.2 m each way, and the QA must agree with the depth map itself.
/// </summary>
public sealed class BoxOnlyChairTests : IDisposable
{
    private const int Chair = 1, Curtain = 2;
    private readonly RgbdTestFolder folder = new RgbdTestFolder().AddShared("00000", "color/00000.jpg", "depth/00000.png");
    private readonly Observation obs;
    private readonly SynthesisResult result;

    public BoxOnlyChairTests()
    {
        folder.WriteAnnotations(("00000.jpg", [("chair", RgbdTestFolder.Box(335, 105, 280, 280)), ("curtain", RgbdTestFolder.Box(172, 0, 100, 362))]));
        var source = new RgbdFolderSource(folder.Root);
        obs = source.Load(source.Items.Single());
        result = new SynthesisPipeline(new SynthesisOptions()).Run(obs, 1);
    }

    public void Dispose() => folder.Dispose();

    private int[] MaskOf(int id) => obs.Objects.Single(o => o.Id == id).Pixels;

    [Fact]
    public void ChairMaskIsTheChairNotTheFloorOrWall()
    {
        var mask = MaskOf(Chair).ToHashSet();
        bool In(int x, int y) => mask.Contains(y * 640 + x);
        Assert.True(In(420, 150), "backrest");
        Assert.True(In(470, 265), "seat");
        Assert.True(In(390, 330), "front leg");
        // Wall right of the backrest, and the floor between the runners, are inside the box but not the chair.
        for (int y = 110; y < 180; y += 5) for (int x = 500; x < 590; x += 5) Assert.False(In(x, y), $"wall pixel ({x},{y})");
        for (int y = 355; y < 380; y += 3) for (int x = 430; x < 470; x += 5) Assert.False(In(x, y), $"floor pixel ({x},{y})");
        Assert.InRange(mask.Count, 0.25 * 280 * 280, 0.6 * 280 * 280);
    }

    [Fact]
    public void ChairHasPlausibleSize()
    {
        Assert.True(result.Frame.Canonicalized, result.Frame.Failure);
        var chair = result.Objects.Single(o => o.Spatial.Id == Chair).Spatial.Box;
        Assert.InRange(chair.Width, 0.5, 1.2);
        Assert.InRange(chair.Length, 0.5, 1.2);
        Assert.InRange(chair.Height, 0.5, 1.2);
        // It stands on the floor; its thin runners are sparsely sampled by lifting and denoising, so the lowest kept
        // point may sit a few centimeters up.
        Assert.InRange(chair.Bottom, 0, 0.1);
    }

    [Fact]
    public void QaAgreesWithTheDepthMap()
    {
        // Truth straight from the depth map: each object's mean camera-frame point over its mask.
        var centre = new Dictionary<int, Point3> { [Chair] = MeanPoint(MaskOf(Chair)), [Curtain] = MeanPoint(MaskOf(Curtain)) };
        bool Holds(string relation, int a, int b) => relation switch
        {
            "left" => centre[a].X < centre[b].X,
            "right" => centre[a].X > centre[b].X,
            "behind" => centre[a].Z > centre[b].Z,
            "front" => centre[a].Z < centre[b].Z,
            _ => throw new ArgumentException(relation),
        };
        var positional = new[] { "left", "right", "behind", "front" };
        int checkedItems = 0;
        foreach (var q in result.Questions.Items)
        {
            var parts = q.Type.Id.Split('-');
            if (positional.Contains(parts[0]) && parts[1] == "predicate") Assert.Equal(Holds(parts[0], q.A, q.B), (bool)q.Value);
            else if (positional.Contains(parts[0]) && parts[1] == "choice") Assert.Equal(Holds(parts[0], q.A, q.B) ? q.A : q.B, (int)q.Value);
            else if (q.Type.Id is "left-right-classify") Assert.Equal(Holds("left", q.A, q.B) ? "left" : "right", (string)q.Value);
            else if (q.Type.Id is "behind-front-classify") Assert.Equal(Holds("behind", q.A, q.B) ? "behind" : "front", (string)q.Value);
            else if (positional.Contains(parts[0]) && parts[1] == "difference")
            {
                Assert.True(Holds(parts[0], q.A, q.B), q.Question);
                var along = parts[0] is "left" or "right" ? Math.Abs(centre[q.A].X - centre[q.B].X) : Math.Abs(centre[q.A].Z - centre[q.B].Z);
                Assert.Equal(along, (double)q.Value, 0.15);
            }
            else if (q.Type.Id == "distance") Assert.Equal((centre[q.A] - centre[q.B]).Length, (double)q.Value, 0.2);
            else if (q.Type.Id == "height") Assert.Equal(result.Objects.Single(o => o.Spatial.Id == q.A).Spatial.Box.Height, (double)q.Value, 6);
            else continue;
            checkedItems++;
        }
        Assert.True(checkedItems >= 5, $"only {checkedItems} QA items could be checked against depth");
        Assert.True(Holds("right", Chair, Curtain) && Holds("front", Chair, Curtain)); // as seen in the photo
    }

    private Point3 MeanPoint(int[] pixels)
    {
        double x = 0, y = 0, z = 0;
        int n = 0;
        foreach (var p in pixels)
        {
            var d = obs.Depth.Meters[p];
            if (!DepthMap.IsValid(d)) continue;
            var q = obs.Intrinsics.BackProject(p % 640, p / 640, d);
            x += q.X; y += q.Y; z += q.Z; n++;
        }
        Assert.True(n > 1000);
        return new Point3(x / n, y / n, z / n);
    }
}
