using System.Collections.Concurrent;
using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Evaluation;

/// <summary>
/// The `oracle` model: the geometric pipeline answers from its own 3D reconstruction of the image, not from
/// ground-truth boxes. The image is either a scene folder's (depth and instance masks in scene.json beside it) or the
/// colour file of an annotated RGB-D folder (ROOT/color/, with ROOT's depth, intrinsics.json and annotations.json).
/// It bounds what a model trained on the engine's data can reach.
/// </summary>
public sealed class OracleAnswerer(SynthesisOptions options) : ISpatialAnswerer
{
    private readonly BoundMeasurer measurer = new(options);
    private readonly ConcurrentDictionary<string, Lazy<Reconstruction>> scenes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<RgbdFolderSource>> rgbdFolders = new(StringComparer.Ordinal);

    private sealed record Reconstruction(IReadOnlyList<MeasuredObject> Objects, bool Canonicalized);

    public Task<string> AnswerAsync(BenchmarkItem item, string imagePath, CancellationToken ct)
    {
        var scene = scenes.GetOrAdd(Path.GetFullPath(imagePath), p => new Lazy<Reconstruction>(() => Reconstruct(p))).Value;
        var a = Find(scene, item.A ?? throw new AnswerFailedException($"{item.Id}: no object A in the question", 1), item);
        var b = item.B is null ? a : Find(scene, item.B, item);
        var type = QuestionCatalog.Get(item.Type);
        if (type.NeedsCanonicalization && !scene.Canonicalized)
            throw new AnswerFailedException($"{item.Id}: the oracle could not canonicalize {imagePath}", 1);
        var assessment = QuestionCatalog.Assess(type, a.Spatial, b.Spatial, options.Questions.Margins,
            () => SurfaceDistance.Nearest(a.WorldPoints, b.WorldPoints));
        return Task.FromResult(assessment.Value switch
        {
            bool yes => yes ? "Yes." : "No.",
            int id => id == a.Spatial.Id ? item.A! : item.B!,
            string word => word,
            double meters => string.Create(CultureInfo.InvariantCulture, $"{meters:0.###} meters"),
            var v => throw new InvalidOperationException($"unexpected value {v}"),
        });
    }

    /// <summary>Position clauses the engine adds to tell same-caption objects apart, and how each orders them.</summary>
    private static readonly (string Suffix, Func<MeasuredObject, double> Key, bool Largest)[] Clauses =
    [
        (" on the left", m => m.Spatial.Box.Center.Y, true),
        (" on the right", m => m.Spatial.Box.Center.Y, false),
        (" in the middle", m => m.Spatial.Box.Center.Y, true),
    ];

    /// <summary>
    /// Grounds a referring phrase ("mug", "mug on the left", "nearer mug") in the reconstruction: the caption
    /// picks the candidates and the position clause orders them.
    /// </summary>
    private static MeasuredObject Find(Reconstruction scene, string phrase, BenchmarkItem item)
    {
        var text = ReferringExpressions.Normalize(phrase);
        Func<MeasuredObject, double>? key = null;
        bool largest = true, middle = false;
        foreach (var (suffix, k, big) in Clauses)
            if (text.EndsWith(suffix, StringComparison.Ordinal)) { text = text[..^suffix.Length]; key = k; largest = big; middle = suffix == " in the middle"; }
        foreach (var (prefix, big) in new[] { ("nearer ", false), ("farther ", true) })
            if (text.StartsWith(prefix, StringComparison.Ordinal)) { text = text[prefix.Length..]; key = m => m.Spatial.Box.Center.X; largest = big; }
        var candidates = scene.Objects.Where(m => ReferringExpressions.Normalize(m.Spatial.Caption) == text).ToList();
        if (candidates.Count == 0) throw new AnswerFailedException($"{item.Id}: the oracle did not reconstruct '{phrase}'", 1);
        if (candidates.Count == 1 || key is null) return candidates[0];
        var ordered = candidates.OrderBy(key).ToList();
        return middle ? ordered[ordered.Count / 2] : largest ? ordered[^1] : ordered[0];
    }

    private Reconstruction Reconstruct(string imagePath)
    {
        var dir = Path.GetDirectoryName(imagePath)!;
        if (File.Exists(Path.Combine(dir, "scene.json")))
        {
            var result = measurer.Measure(SceneFolder.Read(dir).ToObservation(), seed: 0);
            return new Reconstruction(result.Objects, result.Frame.Canonicalized);
        }
        if (RgbdFrameLocation.Of(imagePath) is { } frame) return ReconstructRgbd(frame);
        throw new ModelUnavailableException($"oracle: {imagePath} has neither a scene.json beside it nor lies in color/ of an RGB-D folder (depth/, intrinsics.json)");
    }

    /// <summary>An annotated RGB-D frame, reconstructed as the benchmark builder measured it: its colour, depth, intrinsics and COCO objects.</summary>
    private Reconstruction ReconstructRgbd(RgbdFrameLocation frame)
    {
        if (!File.Exists(Path.Combine(frame.Root, "annotations.json")))
            throw new ModelUnavailableException($"oracle: the RGB-D folder {frame.Root} has no annotations.json; the oracle answers about annotated objects only");
        var source = rgbdFolders.GetOrAdd(frame.Root, root => new Lazy<RgbdFolderSource>(() => new RgbdFolderSource(root))).Value;
        var item = source.Items.FirstOrDefault(i => i.Id == frame.Frame)
            ?? throw new SpatialVlmException($"oracle: {frame.Root} has no frame '{frame.Frame}' (colour and depth with that stem)");
        var result = measurer.Measure(source, item);
        return new Reconstruction(result.Objects, result.Frame.Canonicalized);
    }
}
