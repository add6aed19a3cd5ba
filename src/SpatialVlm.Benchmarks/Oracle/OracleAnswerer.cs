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
/// It bounds what a model trained on the engine's data can reach. Bound to a fixed-camera sequence
/// (<see cref="ForSequence"/>) it measures every frame in one canonical frame estimated once for the sequence.
/// </summary>
public sealed class OracleAnswerer : ISequenceAwareAnswerer
{
    private readonly SynthesisOptions options;
    private readonly BoundMeasurer measurer;
    private readonly TemplateMatcher matcher;
    /// <summary>The camera pose every frame is measured in (a fixed camera's shared frame), or null: each image its own.</summary>
    private readonly RigidTransform? sharedWorldFromCamera;

    public OracleAnswerer(SynthesisOptions options) : this(options, null) { }

    private OracleAnswerer(SynthesisOptions options, RigidTransform? sharedWorldFromCamera)
    {
        this.options = options;
        measurer = new BoundMeasurer(options);
        matcher = new TemplateMatcher(options.Questions.Templates);
        this.sharedWorldFromCamera = sharedWorldFromCamera;
    }

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
            var result = measurer.Measure(InSharedFrame(SceneFolder.Read(dir).ToObservation()), seed: 0);
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
        var (source, item) = RgbdItem(frame);
        var result = measurer.Measure(InSharedFrame(source.Load(item)), RgbdSeed(item));
        return new Reconstruction(result.Objects, result.Frame.Canonicalized);
    }

    private (RgbdFolderSource Source, SourceItem Item) RgbdItem(RgbdFrameLocation frame)
    {
        var source = rgbdFolders.GetOrAdd(frame.Root, root => new Lazy<RgbdFolderSource>(() => new RgbdFolderSource(root))).Value;
        var item = source.Items.FirstOrDefault(i => i.Id == frame.Frame)
            ?? throw new SpatialVlmException($"oracle: {frame.Root} has no frame '{frame.Frame}' (colour and depth with that stem)");
        return (source, item);
    }

    // The seed BoundMeasurer gives an RGB-D frame, so a frame reconstructs as the benchmark builder measured it.
    private static int RgbdSeed(SourceItem item) => (int)(item.Seed & int.MaxValue);

    /// <summary>The observation as this oracle measures it: in the sequence's shared frame when it has one (the pipeline takes a known pose as the frame).</summary>
    private Observation InSharedFrame(Observation obs) =>
        sharedWorldFromCamera is { } shared ? obs with { KnownWorldFromCamera = shared } : obs;

    /// <summary>
    /// This oracle bound to a sequence. Fixed camera: the canonical frame is estimated once, on the first frame that
    /// canonicalizes (its known pose when the source gives one, else the support plane fitted to its depth), and every
    /// frame is measured in it. Moving camera: each frame is canonicalized on its own, as <see cref="AnswerAsync"/> does.
    /// </summary>
    public SequenceAnswerer ForSequence(IReadOnlyList<string> imagePaths, CameraMode camera, CancellationToken ct)
    {
        if (camera == CameraMode.Moving)
            return new SequenceAnswerer(this, $"a canonical frame per image (moving camera): each of the {imagePaths.Count} frames fits its own support plane (or takes its own known pose)");
        var canonicalizer = new Canonicalizer(options);
        var tried = new List<string>();
        foreach (var path in imagePaths)
        {
            ct.ThrowIfCancellationRequested();
            var full = Path.GetFullPath(path);
            Observation obs;
            int seed;
            try
            {
                (obs, seed) = LoadForFrame(full);
            }
            catch (Exception e) when (e is SpatialVlmException or IOException or AnswerFailedException)
            {
                tried.Add($"{Path.GetFileName(Path.GetDirectoryName(full))}/{Path.GetFileName(full)}: {e.Message.Split('\n')[0]}");
                continue;
            }
            var frame = canonicalizer.Estimate(obs, seed);
            if (!frame.Canonicalized) { tried.Add($"{obs.Id}: {frame.Failure}"); continue; }
            var note = $"one canonical frame for the fixed camera, estimated once on frame {obs.Id} (source {frame.Source}) and shared by all {imagePaths.Count} frames";
            if (tried.Count > 0) note += $"; {tried.Count} earlier frame(s) could not give one (first: {tried[0]})";
            return new SequenceAnswerer(new OracleAnswerer(options, frame.WorldFromCamera), note);
        }
        return new SequenceAnswerer(this, $"no frame of the sequence canonicalized ({(tried.Count > 0 ? tried[0] : "no frames")}); each frame is measured on its own");
    }

    /// <summary>The observation of a scene-folder image or an annotated RGB-D colour file, with the seed its reconstruction uses.</summary>
    private (Observation Observation, int Seed) LoadForFrame(string imagePath)
    {
        var dir = Path.GetDirectoryName(imagePath)!;
        if (File.Exists(Path.Combine(dir, "scene.json"))) return (SceneFolder.Read(dir).ToObservation(), 0);
        if (RgbdFrameLocation.Of(imagePath) is { } frame && File.Exists(Path.Combine(frame.Root, "annotations.json")))
        {
            var (source, item) = RgbdItem(frame);
            return (source.Load(item), RgbdSeed(item));
        }
        throw new AnswerFailedException($"oracle: {imagePath} has neither a scene.json beside it nor lies in color/ of an annotated RGB-D folder", 1);
    }
}
