using System.Collections.Concurrent;
using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Geometry;
using SpatialVlm.Questions;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Benchmarks;

/// <summary>
/// The `oracle` model: the geometric pipeline answers from its own 3D reconstruction of the image, not from
/// ground-truth boxes. The image is either a scene folder's (depth and instance masks in scene.json beside it) or the
/// colour file of an annotated RGB-D folder (ROOT/color/, with ROOT's depth, intrinsics.json and annotations.json).
/// It bounds what a model trained on the engine's data can reach.
/// </summary>
public sealed class OracleAnswerer(SynthesisOptions options) : ISpatialAnswerer
{
    private readonly BoundMeasurer measurer = new(options);
    private readonly TemplateMatcher matcher = new(options.Questions.Templates);
    private readonly ConcurrentDictionary<string, Lazy<Reconstruction>> scenes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<RgbdFolderSource>> rgbdFolders = new(StringComparer.Ordinal);

    private sealed record Reconstruction(IReadOnlyList<MeasuredObject> Objects, bool Canonicalized);

    public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
    {
        var scene = scenes.GetOrAdd(Path.GetFullPath(request.ImagePath), p => new Lazy<Reconstruction>(() => Reconstruct(p))).Value;
        if (request.Type is null) request = ReadFreeText(request, scene);
        var type = request.Type!;
        var refA = request.A ?? throw new AnswerFailedException("no object A in the question", 1);
        var a = Find(scene, refA);
        var b = request.B is { } refB ? Find(scene, refB) : a;
        if (type.NeedsCanonicalization && !scene.Canonicalized)
            throw new AnswerFailedException($"the oracle could not canonicalize {request.ImagePath}", 1);
        var assessment = QuestionCatalog.Assess(type, a.Spatial, b.Spatial, options.Questions.Margins,
            () => SurfaceDistance.Nearest(a.WorldPoints, b.WorldPoints));
        var text = assessment.Value switch
        {
            bool yes => yes ? "Yes." : "No.",
            int id => id == a.Spatial.Id ? refA.Phrase : request.B!.Phrase,
            string word => word,
            double meters => string.Create(CultureInfo.InvariantCulture, $"{meters:0.###} meters"),
            var v => throw new InvalidOperationException($"unexpected value {v}"),
        };
        return Task.FromResult(SpatialAnswer.Single(text));
    }

    /// <summary>
    /// A question in words (`ask`): read back through the question templates, its phrases matched against the names
    /// the engine gives the reconstructed objects ("the red mug", "the mug on the left"). Anything else is refused
    /// with what the oracle needs.
    /// </summary>
    private AnswerRequest ReadFreeText(AnswerRequest request, Reconstruction scene)
    {
        var names = ReferringExpressions.Resolve(scene.Objects.Select(m => m.Spatial).ToList(), options.Questions.Ambiguity, options.Questions.Margins, []);
        int? IdOf(string phrase)
        {
            var wanted = CaptionText.WithoutLeadingArticle(phrase);
            var hits = names.Where(kv => CaptionText.WithoutLeadingArticle(kv.Value) == wanted).Select(kv => kv.Key).ToList();
            return hits.Count == 1 ? hits[0] : null;
        }
        foreach (var m in matcher.Match(request.Question))
            if (IdOf(m.A) is { } a && (m.B is null || IdOf(m.B) is not null))
                return request with { Type = m.Type, A = new ObjectReference(m.A, a), B = m.B is null ? null : new ObjectReference(m.B, IdOf(m.B)) };
        var known = string.Join(", ", names.Values.Order(StringComparer.Ordinal).Take(8));
        throw new AnswerFailedException($"the oracle answers the engine's question forms about objects it reconstructs ({known}); it could not read '{Printable.Clip(request.Question, 100)}'", 1);
    }

    /// <summary>
    /// The reconstructed object a reference names: by its id when the question carries one (scene and record object ids
    /// are the instance ids the reconstruction keeps), else by a caption no other reconstructed object shares.
    /// </summary>
    private static MeasuredObject Find(Reconstruction scene, ObjectReference reference)
    {
        if (reference.Id is { } id)
            return scene.Objects.FirstOrDefault(m => m.Spatial.Id == id)
                   ?? throw new AnswerFailedException($"the oracle did not reconstruct object {id} ('{reference.Phrase}')", 1);
        var text = CaptionText.WithoutLeadingArticle(reference.Phrase);
        var candidates = scene.Objects.Where(m => CaptionText.WithoutLeadingArticle(m.Spatial.Caption) == text).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new AnswerFailedException($"the oracle did not reconstruct '{reference.Phrase}'", 1),
            _ => throw new AnswerFailedException($"'{reference.Phrase}' names {candidates.Count} objects; the question must give the object's id", 1),
        };
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
        // One such image fails its own questions; the run goes on with the others.
        throw new AnswerFailedException($"oracle: {imagePath} has neither a scene.json beside it nor lies in color/ of an RGB-D folder (depth/, intrinsics.json)", 1);
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
