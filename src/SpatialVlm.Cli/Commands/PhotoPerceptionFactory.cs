using SpatialVlm.Core;
using SpatialVlm.Perception.Batching;
using SpatialVlm.Perception.Captioning;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Segmentation;

namespace SpatialVlm.Cli.Commands;

/// <summary>The model choices of `synth --perception models`.</summary>
public sealed record PhotoModelChoice
{
    public string DepthModel { get; init; } = "metric3d-vit-small";
    public string Detector { get; init; } = "owlv2-base-patch16-ensemble";
    /// <summary>A region captioner (e.g. florence-2-base-ft) proposing the objects instead of the detector; null: the detector.</summary>
    public string? Captioner { get; init; }
    /// <summary>The region captioner's task (Florence-2: dense region captions or category names).</summary>
    public Florence2Task CaptionerTask { get; init; } = Florence2Task.DenseRegionCaption;
    public string Segmenter { get; init; } = "sam2.1-hiera-tiny";
    public bool Filter { get; init; } = true;
    public double FilterThreshold { get; init; } = new SceneFilterOptions().Threshold;
    public double FieldOfViewDegrees { get; init; } = new MetricDepthOptions().DefaultHorizontalFovDegrees;
    public PhotoPerceptionOptions Chain { get; init; } = new();

    /// <summary>
    /// Checks the flags and that every named model exists in the catalog with the right role, before any model file is
    /// looked for: a wrong flag is reported as itself, not as a model to pull first or as a failure of every photo.
    /// </summary>
    public void Validate(ModelStore store, bool photos)
    {
        if (photos && !(FieldOfViewDegrees is > 0 and < 180))
            throw new SpatialVlmException($"--fov {FieldOfViewDegrees} is not a field of view: give degrees between 0 and 180 (exclusive)");
        if (photos && !(FilterThreshold is >= 0 and <= 1))
            throw new SpatialVlmException($"--filter-threshold {FilterThreshold} is not a probability: give a value in [0, 1]");
        if (photos) store.Find(DepthModel, ModelRole.Depth);
        if (Captioner is { } captioner) store.Find(captioner, ModelRole.Captioner);
        else store.Find(Detector, ModelRole.Detector);
        store.Find(Segmenter, ModelRole.Segmenter);
    }
}

/// <summary>
/// Opens the photo chain's models from the store. Every model is checked before any is loaded, so a missing one
/// gives the store's one-line error naming `spatialvlm models pull NAME`.
/// </summary>
public static class PhotoPerceptionFactory
{
    private const string ClipText = "clip-vit-base-patch32-text", ClipVision = "clip-vit-base-patch32-vision";

    /// <summary>The full chain for plain photos: scene filter (unless turned off), metric depth, detector, segmenter, CLIP text.</summary>
    public static PhotoPerceptionChain Open(ModelStore store, PhotoModelChoice choice) => Open(store, choice, new OnnxSessionOptions());

    /// <summary>The full chain with every model's ONNX Runtime session made with the given options (e.g. the device).</summary>
    public static PhotoPerceptionChain Open(ModelStore store, PhotoModelChoice choice, OnnxSessionOptions session)
    {
        choice.Validate(store, photos: true);
        store.Require(choice.DepthModel, ModelRole.Depth);
        RequireObjectModels(store, choice);
        if (choice.Filter) store.Require(ClipVision, ModelRole.ClipVision);

        var depth = MetricDepthEstimator.Open(store, choice.DepthModel, new MetricDepthOptions { DefaultHorizontalFovDegrees = choice.FieldOfViewDegrees, Session = session });
        var text = ClipTextEncoder.Open(store, ClipText, session);
        // Workers each send one photo; the batchers merge concurrent photos into one inference call.
        ISceneFilter? filter = choice.Filter
            ? new BatchedSceneFilter(new ClipSceneFilter(text, ClipImageEncoder.Open(store, ClipVision, session: session), new SceneFilterOptions { Threshold = choice.FilterThreshold }))
            : null;
        return ObjectChain(store, choice, session, text, new BatchedDepthEstimator(depth), filter);
    }

    /// <summary>
    /// The chain for unannotated RGB-D frames: detector, segmenter and CLIP text only (the sensor gives depth and
    /// intrinsics; a sensor capture needs no scene filter).
    /// </summary>
    public static PhotoPerceptionChain OpenForRgbd(ModelStore store, PhotoModelChoice choice) => OpenForRgbd(store, choice, new OnnxSessionOptions());

    /// <summary>The RGB-D chain with every model's ONNX Runtime session made with the given options (e.g. the device).</summary>
    public static PhotoPerceptionChain OpenForRgbd(ModelStore store, PhotoModelChoice choice, OnnxSessionOptions session)
    {
        choice.Validate(store, photos: false);
        RequireObjectModels(store, choice);
        return ObjectChain(store, choice, session, ClipTextEncoder.Open(store, ClipText, session), depth: null, filter: null);
    }

    private static void RequireObjectModels(ModelStore store, PhotoModelChoice choice)
    {
        if (choice.Captioner is { } captioner) store.Require(captioner, ModelRole.Captioner);
        else store.Require(choice.Detector, ModelRole.Detector);
        store.Require(choice.Segmenter, ModelRole.Segmenter);
        store.Require(ClipText, ModelRole.ClipText);
    }

    private static PhotoPerceptionChain ObjectChain(ModelStore store, PhotoModelChoice choice, OnnxSessionOptions session, ClipTextEncoder text, IDepthEstimator? depth, ISceneFilter? filter) =>
        new(new PhotoPerceptionModels
        {
            Filter = filter, Depth = depth,
            Detector = choice.Captioner is null ? new BatchedObjectDetector(DetectorFactory.Open(store, choice.Detector, session: session)) : null,
            Captioner = choice.Captioner is { } c ? Florence2RegionCaptioner.Open(store, c, new Florence2Options { Task = choice.CaptionerTask, Session = session }) : null,
            Segmenter = BoxSegmenters.Open(store, choice.Segmenter, new BoxSegmenterOptions { Session = session }), TextEmbedder = text,
        }, choice.Chain);

    /// <summary>Queries from "a,b,c" or a vocabulary file (one per line, # comments); the default vocabulary when neither is given.</summary>
    public static IReadOnlyList<string> Queries(string? list, string? file)
    {
        if (list is not null && file is not null) throw new SpatialVlmException("give --queries or --vocabulary, not both");
        IEnumerable<string> raw = list is not null ? list.Split(',')
            : file is not null ? (File.Exists(file) ? File.ReadLines(file).Where(l => !l.TrimStart().StartsWith('#')) : throw new SpatialVlmException($"{file}: no such vocabulary file"))
            : EverydayVocabulary.Objects;
        var queries = raw.Select(q => q.Trim()).Where(q => q.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return queries.Count > 0 ? queries : throw new SpatialVlmException("the query list is empty");
    }
}
