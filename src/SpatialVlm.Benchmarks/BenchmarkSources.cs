using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Benchmarks;

/// <summary>Reads the two kinds of benchmark input folder of INTERFACES.md into <see cref="BenchmarkScene"/>s.</summary>
public static class BenchmarkSources
{
    // The colour formats RgbdFolderSource reads.
    private static readonly string[] ColorExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".ppm", ".pnm", ".gif"];

    /// <summary>A folder of scene folders (scene.json) or an RGB-D folder with annotations.json; anything else is a one-line error.</summary>
    public static BenchmarkSource Open(string fromDir, ISet<string> excludedIds, SynthesisOptions synthesis)
    {
        if (!Directory.Exists(fromDir)) throw new SpatialVlmException($"{fromDir}: no such folder");
        var sceneDirs = Directory.GetDirectories(fromDir).Where(d => File.Exists(Path.Combine(d, "scene.json"))).Order(StringComparer.Ordinal).ToList();
        if (sceneDirs.Count > 0) return SceneFolders(sceneDirs, excludedIds);
        if (RgbdFolderSource.Matches(fromDir)) return RgbdFrames(fromDir, excludedIds, synthesis);
        throw new SpatialVlmException($"{fromDir}: neither scene folders (scene.json) nor an RGB-D folder (color/, depth/, intrinsics.json, annotations.json)");
    }

    /// <summary>Procedural (or 3D-annotated) scenes: the exact ground-truth boxes of scene.json.</summary>
    public static BenchmarkSource SceneFolders(IReadOnlyList<string> sceneDirs, ISet<string> excludedIds)
    {
        var scenes = new List<BenchmarkScene>();
        var skipped = new List<string>();
        foreach (var dir in sceneDirs)
        {
            var scene = SceneDescription.Load(Path.Combine(dir, "scene.json"));
            if (excludedIds.Contains(scene.Id)) { skipped.Add($"{scene.Id}: in an excluded training dataset"); continue; }
            scenes.Add(new BenchmarkScene(scene.Id, Path.Combine(Path.GetFullPath(dir), scene.Image),
                scene.Objects.Select(o => new SpatialObject(o.Id, o.Caption, o.Box)).ToList(), Canonicalized: true,
                scene.Camera.WorldFromCameraTransform.Inverse()));
        }
        return new BenchmarkSource("procedural scenes", "exact: the scenes' ground-truth 3D boxes", scenes, skipped, new QuestionOptions());
    }

    /// <summary>
    /// Annotated RGB-D frames: there is no exact 3D truth, so each object is measured by the geometric pipeline from
    /// the sensor depth inside its human annotation (mask, or box separated from support and background).
    /// </summary>
    public static BenchmarkSource RgbdFrames(string fromDir, ISet<string> excludedIds, SynthesisOptions synthesis)
    {
        var source = new RgbdFolderSource(fromDir);
        if (!File.Exists(Path.Combine(fromDir, "annotations.json")))
            throw new SpatialVlmException($"{fromDir}: an RGB-D benchmark needs annotations.json (COCO): its answers come from the annotated objects");
        var measurer = new BoundMeasurer(synthesis);
        var scenes = new List<BenchmarkScene>();
        var skipped = new List<string>();
        foreach (var item in source.Items)
        {
            if (excludedIds.Contains(item.Id)) { skipped.Add($"{item.Id}: in an excluded training dataset"); continue; }
            SynthesisResult result;
            try
            {
                result = measurer.Measure(source, item);
            }
            catch (Exception e) when (e is SpatialVlmException or IOException)
            {
                skipped.Add($"{item.Id}: {e.Message.Split('\n')[0]}");
                continue;
            }
            if (result.Objects.Count < 2) { skipped.Add($"{item.Id}: fewer than two measurable objects"); continue; }
            var byId = result.Objects.ToDictionary(m => m.Spatial.Id);
            scenes.Add(new BenchmarkScene(item.Id, ColorFile(fromDir, item.Id), result.Objects.Select(m => m.Spatial).ToList(),
                result.Frame.Canonicalized, result.Frame.WorldFromCamera.Inverse(),
                (a, b) => SurfaceDistance.Nearest(byId[a].WorldPoints, byId[b].WorldPoints)));
        }
        if (scenes.Count == 0 && skipped.Count > 0) throw new SpatialVlmException($"{fromDir}: no usable frame (first: {skipped[0]})");
        return new BenchmarkSource("annotated RGB-D frames",
            "measured: the geometric pipeline over the sensor depth inside the human annotations (not exact 3D truth), with the data engine's margins",
            scenes, skipped, synthesis.Questions);
    }

    /// <summary>The colour file of a frame: the one file in color/ with that stem that the source read (its stems are unique).</summary>
    private static string ColorFile(string fromDir, string stem) =>
        Directory.EnumerateFiles(Path.Combine(Path.GetFullPath(fromDir), "color"))
            .Where(f => string.Equals(Path.GetFileNameWithoutExtension(f), stem, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault(f => ColorExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
        ?? throw new SpatialVlmException($"{fromDir}: no colour file for frame {stem}");
}
