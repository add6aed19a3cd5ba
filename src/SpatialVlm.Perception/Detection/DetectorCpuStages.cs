using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>
/// Everything a detector does for one image except the model call, on raw outputs the caller supplies (e.g.
/// synthetic ones of the published shapes), for the per-image CPU-time benchmark. Same code as the detectors run.
/// </summary>
public static class DetectorCpuStages
{
    /// <summary>OWL: preprocess into pixels (3·S·S floats), encode the queries, decode logits [P,Q] and boxes [P,4], NMS.</summary>
    public static IReadOnlyList<Detection> Owl(OwlExport export, RgbImage image, ClipTokenizer tokenizer, IReadOnlyList<string> queries,
        ReadOnlySpan<float> logits, ReadOnlySpan<float> boxes, DetectorOptions options, float[] pixels)
    {
        export.Preprocess(image, pixels);
        OwlDetector.EncodeQueries(tokenizer, queries);
        return OwlImage(export, image, queries, logits, boxes, boxes.Length / 4, options);
    }

    /// <summary>Grounding DINO: input size and preprocessing, prompts, decoding of logits [N,256] / boxes [N,4] for each prompt, NMS.</summary>
    public static IReadOnlyList<Detection> GroundingDino(RgbImage image, WordPieceTokenizer tokenizer, IReadOnlyList<string> queries,
        ReadOnlySpan<float> logits, ReadOnlySpan<float> boxes, GroundingDinoOptions options)
    {
        var (ih, iw) = GroundingDinoDetector.InputSize(image.Height, image.Width);
        GroundingDinoDetector.Preprocess(image, ih, iw, new float[3 * ih * iw]);
        var candidates = new List<Detection>();
        foreach (var prompt in GroundingDinoPrompt.Build(tokenizer, queries, GroundingDinoDetector.TextSlots))
            candidates.AddRange(DetectorPostprocessing.GroundingDinoCandidates(logits, boxes, boxes.Length / 4, GroundingDinoDetector.TextSlots,
                prompt.Spans, queries, prompt.FirstPhrase, options.ScoreThreshold, options.TextThreshold, image.Width, image.Height));
        return ClassAwareNms.Apply(candidates, options.NmsIouThreshold, options.MaxDetections);
    }

    /// <summary>One image's OWL outputs to its final detections (threshold, scale to pixels, class-aware NMS).</summary>
    internal static List<Detection> OwlImage(OwlExport export, RgbImage image, IReadOnlyList<string> queries,
        ReadOnlySpan<float> logits, ReadOnlySpan<float> boxes, int patches, DetectorOptions options)
    {
        var (sx, sy) = export.BoxScale(image.Width, image.Height);
        var candidates = DetectorPostprocessing.OwlCandidates(logits, boxes, patches, queries, options.ScoreThreshold, sx, sy, image.Width, image.Height);
        return ClassAwareNms.Apply(candidates, options.NmsIouThreshold, options.MaxDetections);
    }
}
