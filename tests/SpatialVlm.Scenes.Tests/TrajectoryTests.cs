using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

public class TrajectoryTests
{
    [Fact]
    public void FramesMoveOneObjectTowardAnotherWithoutCollisions()
    {
        using var dir = SceneFixtures.NewTempDir();
        const long seed = 11;
        ObjectTrajectory.WriteFrames(SceneFixtures.Small, seed, 4, dir);
        var main = SceneFixtures.Small.Generate(seed).Description;
        var frames = Enumerable.Range(0, 4).Select(f => SceneFolder.Read(Path.Combine(dir, f.ToString("D4")))).ToArray();
        var layout = SceneFixtures.Small.GenerateWithLayout(seed).Layout;
        var plan = ObjectTrajectory.Plan(layout, seed, 4);
        Assert.NotNull(plan);
        var (mover, target, _) = plan.Value;
        double? last = null;
        foreach (var f in frames)
        {
            Assert.StartsWith(main.Id + "-f", f.Description.Id);
            Assert.Equal(main.Camera.WorldFromCamera.SelectMany(r => r), f.Description.Camera.WorldFromCamera.SelectMany(r => r));
            foreach (var o in f.Description.Objects)
                Assert.Equal(main.Objects.Single(m => m.Id == o.Id).Caption, o.Caption);
            var boxes = layout.Objects.Select((o, i) => i == mover ? null : (UprightBox?)o.Box).ToArray();
            var m = f.Description.Objects.SingleOrDefault(o => o.Id == mover + 1);
            if (m == null) continue; // hidden in this frame
            var d = (m.Box.Center - layout.Objects[target].Box.Center);
            var dist = Math.Sqrt(d.X * d.X + d.Y * d.Y);
            if (last != null) Assert.True(dist < last.Value + 1e-9, "the mover moves toward its target");
            last = dist;
            Assert.All(boxes.Where(b => b != null), b => Assert.False(BoxOverlap.Overlaps(m.Box, b!.Value)));
        }
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trajectory.json")));
        Assert.Equal(mover + 1, json.RootElement.GetProperty("mover").GetProperty("id").GetInt32());
        var distances = json.RootElement.GetProperty("center_distance").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, distances.Length);
        Assert.True(distances[^1] < distances[0], "the mover ends closer to the target");
        var first = frames[0].Description.Objects.SingleOrDefault(o => o.Id == mover + 1);
        var final = frames[^1].Description.Objects.SingleOrDefault(o => o.Id == mover + 1);
        if (first != null && final != null) Assert.NotEqual(first.Center, final.Center);
    }
}
