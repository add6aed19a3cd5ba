using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Renders a run of seeds into scene folders, in parallel over scenes (each scene is computed alone, so the
/// files do not depend on the thread count). Folders already complete are kept and only read back.
/// </summary>
public sealed class SceneBatch(SceneGenerator generator, string? outDir, bool overlays = false, int frames = 0)
{
    /// <summary>Renders seeds s0 .. s0+n−1; <paramref name="progress"/> gets (scenes done, scene id) from worker threads. Returns the descriptions in seed order.</summary>
    public SceneDescription[] Run(long s0, int n, Action<int, string>? progress = null, int maxThreads = 0)
    {
        var result = new SceneDescription[n];
        int done = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        Parallel.For(0, n, po, i =>
        {
            var seed = s0 + i;
            var id = SceneGenerator.SceneId(seed);
            result[i] = outDir == null ? generator.Generate(seed).Description : WriteOne(seed, Path.Combine(outDir, id));
            progress?.Invoke(Interlocked.Increment(ref done), id);
        });
        return result;
    }

    private SceneDescription WriteOne(long seed, string dir)
    {
        RenderedScene? scene = null;
        if (!SceneFolder.IsComplete(dir))
        {
            scene = generator.Generate(seed);
            SceneFolder.Write(dir, scene);
        }
        var overlayPath = Path.Combine(dir, SceneOverlay.FileName);
        if (overlays && !File.Exists(overlayPath))
        {
            scene ??= SceneFolder.Read(dir);
            AtomicFile.WriteAllBytes(overlayPath, SceneOverlay.EncodePng(scene.Image, scene.Description));
        }
        if (frames > 0) ObjectTrajectory.WriteFrames(generator, seed, frames, Path.Combine(dir, "frames"));
        return scene?.Description ?? SceneDescription.Load(Path.Combine(dir, SceneFolder.SceneFile));
    }
}
