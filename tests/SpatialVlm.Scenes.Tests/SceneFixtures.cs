using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

/// <summary>Scenes shared by the tests, generated once per test run (small sizes keep the suite fast).</summary>
public static class SceneFixtures
{
    public static readonly SceneGenerator Small = new(new SceneOptions { Width = 160, Height = 120 });
    public static readonly SceneGenerator Medium = new(new SceneOptions { Width = 320, Height = 240 });

    private static readonly Lazy<RenderedScene[]> MediumScenes = new(() => Enumerable.Range(100, 16).Select(s => Medium.Generate(s)).ToArray());
    public static RenderedScene[] MediumSet => MediumScenes.Value;

    public static TempDir NewTempDir() => new();

    /// <summary>World point of pixel i of a scene, from its depth and the known camera pose.</summary>
    public static Point3 WorldPoint(RenderedScene s, int i)
    {
        var k = s.Description.Camera.Intrinsics;
        var pose = s.Description.Camera.WorldFromCameraTransform;
        return pose.Apply(k.BackProject(i % s.Width, i / s.Width, s.DepthMillimeters[i] / 1000.0));
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "svlm-scenes-tests", Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    public static implicit operator string(TempDir d) => d.Path;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
