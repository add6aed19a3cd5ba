using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Detectors;

/// <summary>A phrase's token positions [Start, End) in a Grounding DINO prompt's input_ids.</summary>
public readonly record struct TokenSpan(int Start, int End);

/// <summary>
/// The CPU post-processing of the detectors, without the model: decoding one image's raw outputs into scored pixel
/// boxes (before NMS). Public so a benchmark can time it on synthetic outputs.
/// </summary>
public static class DetectorPostprocessing
{
    /// <summary>Normalised (cx, cy, w, h) scaled by (scaleX, scaleY) to pixels and clipped to the image.</summary>
    public static PixelBox CenterBoxToPixels(ReadOnlySpan<float> cxcywh, float scaleX, float scaleY, int width, int height)
    {
        float cx = cxcywh[0] * scaleX, cy = cxcywh[1] * scaleY, hw = cxcywh[2] * scaleX / 2, hh = cxcywh[3] * scaleY / 2;
        return new PixelBox(cx - hw, cy - hh, cx + hw, cy + hh).ClampTo(width, height);
    }

    /// <summary>The logit whose sigmoid equals p (-∞ for 0): comparing logits avoids a sigmoid per element.</summary>
    internal static float Logit(float p) => p <= 0 ? float.NegativeInfinity : MathF.Log(p / (1 - p));

    internal static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    /// <summary>
    /// OWL-ViT / OWLv2, one image: logits [P,Q], boxes [P,4]. Every (patch, query) pair whose sigmoid is above the
    /// threshold is a candidate (so one box may answer several queries, as the transformers.js zero-shot pipeline
    /// does); boxes are scaled by (scaleX, scaleY) and clipped to width × height; boxes empty after clipping are dropped.
    /// </summary>
    public static List<Detection> OwlCandidates(ReadOnlySpan<float> logits, ReadOnlySpan<float> boxes, int patches, IReadOnlyList<string> queries,
        float scoreThreshold, float scaleX, float scaleY, int width, int height)
    {
        int q = queries.Count;
        if (logits.Length != patches * q || boxes.Length != patches * 4) throw new ArgumentException("OWL outputs do not match the patch and query counts");
        float cut = Logit(scoreThreshold);
        var result = new List<Detection>();
        for (int p = 0; p < patches; p++)
        {
            var row = logits.Slice(p * q, q);
            for (int j = 0; j < q; j++)
            {
                if (!(row[j] > cut)) continue;
                var box = CenterBoxToPixels(boxes.Slice(p * 4, 4), scaleX, scaleY, width, height);
                if (box.Area > 0) result.Add(new Detection(box, Sigmoid(row[j]), j, queries[j]));
            }
        }
        return result;
    }

    /// <summary>
    /// Grounding DINO, one image: logits [N,slots] over token positions, boxes [N,4] normalised to the image. Each
    /// phrase scores by the highest logit among its tokens (so a phrase of several word pieces answers when any piece
    /// fires); the box's score is its best phrase's sigmoid, and that phrase its label. Separator and special tokens
    /// name no phrase and are ignored. Kept when the score is above both the box and the text threshold. QueryIndex
    /// is queryOffset + the phrase's index in spans (prompts longer than the model's text length run in chunks).
    /// </summary>
    public static List<Detection> GroundingDinoCandidates(ReadOnlySpan<float> logits, ReadOnlySpan<float> boxes, int queries, int slots,
        IReadOnlyList<TokenSpan> spans, IReadOnlyList<string> labels, int queryOffset, float boxThreshold, float textThreshold, int width, int height)
    {
        if (logits.Length != queries * slots || boxes.Length != queries * 4) throw new ArgumentException("Grounding DINO outputs do not match the query and slot counts");
        if (spans.Count == 0 || spans[^1].End > slots) throw new ArgumentException("phrase token spans exceed the model's text slots");
        float cut = Logit(Math.Max(boxThreshold, textThreshold));
        var result = new List<Detection>();
        for (int n = 0; n < queries; n++)
        {
            var row = logits.Slice(n * slots, slots);
            int best = -1;
            float bestLogit = float.NegativeInfinity;
            for (int k = 0; k < spans.Count; k++)
            {
                float m = System.Numerics.Tensors.TensorPrimitives.Max(row[spans[k].Start..spans[k].End]);
                if (m > bestLogit) { bestLogit = m; best = k; }
            }
            if (!(bestLogit > cut)) continue;
            var box = CenterBoxToPixels(boxes.Slice(n * 4, 4), width, height, width, height);
            if (box.Area > 0) result.Add(new Detection(box, Sigmoid(bestLogit), queryOffset + best, labels[queryOffset + best]));
        }
        return result;
    }
}
