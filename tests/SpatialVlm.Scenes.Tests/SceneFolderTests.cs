using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

public class SceneFolderTests
{
    [Fact]
    public void WriteThenReadGivesTheSameScene()
    {
        using var dir = SceneFixtures.NewTempDir();
        var s = SceneFixtures.Small.Generate(3);
        SceneFolder.Write(dir, s);
        Assert.True(SceneFolder.IsComplete(dir));
        var back = SceneFolder.Read(dir);
        Assert.Equal(s.Image.Pixels, back.Image.Pixels);
        Assert.Equal(s.DepthMillimeters, back.DepthMillimeters);
        Assert.Equal(s.Instances, back.Instances);
        Assert.Equal(s.SurfaceIds, back.SurfaceIds);
        Assert.Equal(s.Description.ToJson(), back.Description.ToJson());
    }

    [Fact]
    public void MissingOrCorruptFilesGiveOneLineErrors()
    {
        using var dir = SceneFixtures.NewTempDir();
        SceneFolder.Write(dir, SceneFixtures.Small.Generate(4));
        void ExpectError(string contains)
        {
            var e = Assert.Throws<SpatialVlmException>(() => SceneFolder.Read(dir));
            Assert.Contains(contains, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        File.WriteAllBytes(Path.Combine(dir, "depth.png"), [1, 2, 3]);
        ExpectError("depth.png");
        File.Delete(Path.Combine(dir, "depth.png"));
        ExpectError("no such file");
        Assert.False(SceneFolder.IsComplete(dir));
        File.WriteAllText(Path.Combine(dir, "scene.json"), "{ not json");
        ExpectError("scene.json");
        Assert.Throws<SpatialVlmException>(() => SceneFolder.Read(Path.Combine(dir, "nope")));
    }

    [Fact]
    public void ObservationCarriesMasksDepthPoseAndFloor()
    {
        var s = SceneFixtures.MediumSet[0];
        var obs = s.ToObservation();
        Assert.Equal(s.Description.Id, obs.Id);
        Assert.Equal(s.Description.Objects.Select(o => o.Id), obs.Objects.Select(m => m.Id));
        foreach (var m in obs.Objects)
        {
            var o = s.Description.Objects.Single(x => x.Id == m.Id);
            Assert.Equal(o.Caption, m.Caption);
            Assert.Equal(o.Category, m.Category);
            Assert.Equal(Enumerable.Range(0, s.Instances.Length).Where(i => s.Instances[i] == o.Instance), m.Pixels);
        }
        Assert.NotNull(obs.SupportPixels);
        Assert.All(obs.SupportPixels!, i => Assert.Equal(SurfaceKind.Floor, s.SurfaceIds[i]));
        Assert.Equal(s.SurfaceIds.Count(v => v == SurfaceKind.Floor), obs.SupportPixels!.Length);
        Assert.Equal(s.Description.Camera.WorldFromCamera[2][3], obs.KnownWorldFromCamera!.Translation.Z);
        int px = s.Width * (s.Height / 2) + s.Width / 2;
        Assert.Equal(s.DepthMillimeters[px] / 1000f, obs.Depth.Meters[px], 6);
        Assert.Equal(s.Description.Camera.Fx, obs.Intrinsics.Fx);
    }
}
