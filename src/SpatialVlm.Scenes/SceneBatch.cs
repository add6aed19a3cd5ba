using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Progress of a batch: scenes done (rendered or found complete) of the total, and how many were found complete.</summary>
public readonly record struct SceneBatchProgress(int Done, int Total, int Resumed);

/// <summary>
/// Renders a run of seeds into scene folders, in parallel over scenes (each scene is computed alone, so the
/// files do not depend on the thread count). Folders already complete are kept and only read back.
/// </summary>
public sealed class SceneBatch(SceneGenerator generator, string? outDir, bool overlays = false, int frames = 0)
{
    /// <summary>Renders seeds s0 .. s0+n−1; <paramref name="progress"/> is called from worker threads. Returns the descriptions in seed order.</summary>
    public SceneDescription[] Run(long s0, int n, Action<SceneBatchProgress>? progress = null, int maxThreads = 0)
    {
        var result = new SceneDescription[n];
        int done = 0, resumed = 0;
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        try
        {
            Parallel.For(0, n, po, i =>
            {
                var seed = s0 + i;
                var folder = outDir == null ? null : Path.Combine(outDir, SceneGenerator.SceneId(seed));
                if (folder != null && SceneFolder.IsComplete(folder)) Interlocked.Increment(ref resumed);
                result[i] = folder == null ? generator.Generate(seed).Description : WriteOne(seed, folder);
                progress?.Invoke(new SceneBatchProgress(Interlocked.Increment(ref done), n, Volatile.Read(ref resumed)));
            });
        }
        catch (AggregateException e)
        {
            // Report the first scene's failure as itself (one line), not as a bundle of them.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
        }
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
        else
        {
            var existing = SceneDescription.Load(Path.Combine(dir, SceneFolder.SceneFile)).Camera;
            var o = generator.Options;
            if (existing.Width != o.Width || existing.Height != o.Height)
                throw new SpatialVlmException($"{dir}: already holds a {existing.Width}x{existing.Height} scene, this run renders {o.Width}x{o.Height}; use another --out");
        }
        var overlayPath = Path.Combine(dir, SceneOverlay.FileName);
        if (overlays && !File.Exists(overlayPath))
        {
            scene ??= SceneFolder.Read(dir);
            AtomicFile.WriteAllBytes(overlayPath, SceneOverlay.EncodePng(scene.Image, scene.Description));
        }
        if (frames > 0 && generator.Options.Tabletop) PickAndPlace.WriteFrames(generator, seed, frames, Path.Combine(dir, "frames"));
        else if (frames > 0) ObjectTrajectory.WriteFrames(generator, seed, frames, Path.Combine(dir, "frames"));
        return scene?.Description ?? SceneDescription.Load(Path.Combine(dir, SceneFolder.SceneFile));
    }
}
