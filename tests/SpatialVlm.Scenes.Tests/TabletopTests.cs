using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

/// <summary>Robot tabletop scenes (SceneOptions.Robot) and their pick-and-place sequences.</summary>
public class TabletopTests
{
    private static readonly SceneGenerator Robot = new(SceneOptions.Robot(320, 240));
    private static readonly Lazy<RenderedScene[]> Set = new(() => Enumerable.Range(500, 12).Select(s => Robot.Generate(s)).ToArray());

    [Fact]
    public void SameSeedSameBytes()
    {
        var a = Robot.Generate(77); var b = Robot.Generate(77);
        Assert.Equal(a.Description.ToJson(), b.Description.ToJson());
        Assert.Equal(a.Image.Pixels, b.Image.Pixels);
        Assert.Equal(a.DepthMillimeters, b.DepthMillimeters);
    }

    [Fact]
    public void CameraIsSteepAndTheWorldIsTheCanonicalFrameOfSpatialMd()
    {
        foreach (var s in Set.Value)
        {
            var pose = s.Description.Camera.WorldFromCameraTransform;
            var optical = pose.Rotate(new Point3(0, 0, 1));
            var imageUp = pose.Rotate(new Point3(0, -1, 0));
            var pitch = Math.Asin(-optical.Z) * 180 / Math.PI;
            if (imageUp.Z < 0) pitch = 180 - pitch; // past vertical: the image's up points down
            Assert.InRange(pitch, 45 - 1e-6, 110 + 1e-6);
            Assert.True(Math.Abs(pose.Translation.X) < 1e-12 && Math.Abs(pose.Translation.Y) < 1e-12, "origin below the camera");
            // Forward (+x) by the rule, computed here independently: optical axis, or image-up within 10° of vertical.
            var axisFromVertical = Math.Acos(Math.Abs(optical.Z)) * 180 / Math.PI;
            var along = axisFromVertical < 10 ? imageUp : optical;
            var forward = new Point3(along.X, along.Y, 0).Normalized();
            Assert.True((forward - new Point3(1, 0, 0)).Length < 1e-9, $"{s.Description.Id}: forward is {forward}");
            // Table pixels lie on z = 0.
            var k = s.Description.Camera.Intrinsics;
            for (int i = 0; i < s.DepthMillimeters.Length; i += 37)
                if (s.SurfaceIds[i] == SurfaceKind.Floor && s.DepthMillimeters[i] > 0)
                    Assert.True(Math.Abs(SceneFixtures.WorldPoint(s, i).Z) < 0.004, $"{s.Description.Id}: table pixel at z = {SceneFixtures.WorldPoint(s, i).Z}");
        }
    }

    [Fact]
    public void TablesHoldFiveToFifteenObjectsSomeFlatSomeTouching()
    {
        int flat = 0, touching = 0;
        foreach (var s in Set.Value)
        {
            var objects = s.Description.Objects.Where(o => o.Category != "gripper").ToList();
            Assert.InRange(objects.Count, 4, 15); // 5–15 placed; one may be hidden under the gripper
            flat += objects.Count(o => o.Size[2] <= 0.03);
            foreach (var a in objects)
                foreach (var b in objects)
                    if (a.Id < b.Id && BoxOverlap.Overlaps(a.Box, b.Box, horizontalGap: 0.004)) touching++;
            Assert.All(objects, o => Assert.InRange(o.Center[2] - o.Size[2] / 2, -1e-6, 1e-6)); // resting on the table
        }
        Assert.True(flat >= 6, $"only {flat} objects at most 3 cm tall in 12 scenes");
        Assert.True(touching >= 6, $"only {touching} touching pairs in 12 scenes");
    }

    [Fact]
    public void PickAndPlaceRecordsTheExactGripperObjectDistance()
    {
        using var dir = SceneFixtures.NewTempDir();
        const long seed = 501;
        const int frames = 9;
        PickAndPlace.WriteFrames(Robot, seed, frames, dir);
        var layout = Robot.GenerateWithLayout(seed).Layout;
        var plan = PickAndPlace.Plan(layout, seed, frames);
        Assert.NotNull(plan);
        var scenes = Enumerable.Range(0, frames).Select(f => SceneFolder.Read(Path.Combine(dir, f.ToString("D4")))).ToArray();
        var first = scenes[0].Description;
        var phases = new List<string>();
        foreach (var s in scenes)
        {
            var r = s.Description.Robot;
            Assert.NotNull(r);
            Assert.Equal(first.Camera.WorldFromCamera.SelectMany(x => x), s.Description.Camera.WorldFromCamera.SelectMany(x => x)); // fixed camera
            phases.Add(r.Phase);
            // The distance is recomputed from the frame's own scene.json: gripper centre to the picked object's box centre.
            var target = s.Description.Objects.SingleOrDefault(o => o.Id == r.Target);
            var truthCenter = target is null ? plan.Value.Poses[r.Frame].TargetOrigin : Point3.FromArray(target.Center);
            if (target is not null)
                Assert.Equal((Point3.FromArray(r.GripperCenter) - truthCenter).Length, r.GripperObjectDistance, 4);
            Assert.Contains("put the", r.Task);
        }
        Assert.Equal("approach", phases[0]);
        Assert.Equal("retreat", phases[^1]);
        var d = scenes.Select(s => s.Description.Robot!.GripperObjectDistance).ToArray();
        Assert.True(d[0] > 0.05, $"starts away from the object ({d[0]})");
        Assert.Contains(d, x => x < 1e-6); // grasped
        Assert.True(d[^1] > 0.04, "retreats from the object");
        // The picked object ends resting on the bowl.
        var last = scenes[^1].Description;
        var bowl = last.Objects.Single(o => o.Id == last.Robot!.Container);
        var picked = last.Objects.SingleOrDefault(o => o.Id == last.Robot!.Target);
        if (picked is not null) Assert.Equal(bowl.Center[2] + bowl.Size[2] / 2, picked.Center[2] - picked.Size[2] / 2, 2);
        // Deterministic: writing again gives the same scene.json.
        using var again = SceneFixtures.NewTempDir();
        PickAndPlace.WriteFrames(Robot, seed, frames, again);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "0004", "scene.json")), File.ReadAllText(Path.Combine(again, "0004", "scene.json")));
    }

    [Fact]
    public void OldSceneJsonWithoutRobotStillReads()
    {
        var old = Robot.Generate(600).Description with { Robot = null };
        var back = SceneDescription.Parse(old.ToJson());
        Assert.Null(back.Robot);
        Assert.DoesNotContain("robot", old.ToJson());
    }
}
