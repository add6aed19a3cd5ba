using SpatialVlm.Core;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>Options of the box-prompted segmenters.</summary>
public sealed record BoxSegmenterOptions
{
    /// <summary>A pixel is inside the mask when its upsampled logit exceeds this (default 0, SAM's mask_threshold).</summary>
    public float MaskThreshold { get; init; }
    /// <summary>Boxes per SAM2 decoder call (default 16); the SAM decoder format takes one box per call.</summary>
    public int MaxBoxesPerCall { get; init; } = 16;
    /// <summary>How SAM2 places the image in its 1024 frame (default Squash, as Hugging Face's Sam2ImageProcessorFast).</summary>
    public FrameRule Sam2Frame { get; init; } = FrameRule.Squash;
    public OnnxSessionOptions Session { get; init; } = new();
}

/// <summary>
/// The shared flow of the SAM-family segmenters: clip the boxes, encode the image once, decode every box from that
/// embedding, keep each box's candidate with the best predicted IoU. Counts its encoder and decoder runs.
/// </summary>
public abstract class BoxSegmenterBase<TEmbedding> : IBoxSegmenter
{
    private long encoderRuns, decoderRuns;

    public abstract string Name { get; }
    public BoxSegmenterOptions Options { get; }

    /// <summary>Encoder runs since construction (one per image with at least one box).</summary>
    public long EncoderRuns => Interlocked.Read(ref encoderRuns);
    /// <summary>Decoder runs since construction.</summary>
    public long DecoderRuns => Interlocked.Read(ref decoderRuns);

    protected BoxSegmenterBase(BoxSegmenterOptions? options)
    {
        Options = options ?? new BoxSegmenterOptions();
        if (Options.MaxBoxesPerCall < 1) throw new SpatialVlmException($"boxes per decoder call must be at least 1, got {Options.MaxBoxesPerCall}");
        if (!float.IsFinite(Options.MaskThreshold)) throw new SpatialVlmException($"mask threshold must be finite, got {Options.MaskThreshold}");
    }

    public IReadOnlyList<BoxMask> Segment(RgbImage image, IReadOnlyList<PixelBox> boxes)
    {
        if (boxes.Count == 0) return [];
        var frame = FrameOf(image);
        var prompts = new PixelBox[boxes.Count];
        for (int i = 0; i < prompts.Length; i++) prompts[i] = frame.ClipPrompt(boxes[i], i);
        Interlocked.Increment(ref encoderRuns);
        var embedding = Encode(image, frame);
        return Decode(embedding, frame, prompts);
    }

    /// <summary>Where the image sits in the network frame.</summary>
    protected abstract SegmentationFrame FrameOf(RgbImage image);

    protected abstract TEmbedding Encode(RgbImage image, SegmentationFrame frame);

    /// <summary>One mask per prompt, in order; implementations call <see cref="CountDecoderRun"/> per decoder call.</summary>
    protected abstract BoxMask[] Decode(TEmbedding embedding, SegmentationFrame frame, PixelBox[] prompts);

    protected void CountDecoderRun() => Interlocked.Increment(ref decoderRuns);

    /// <summary>Index of the best predicted IoU (the first on ties); a NaN score is a one-line error.</summary>
    public static int BestCandidate(ReadOnlySpan<float> iou)
    {
        if (iou.IsEmpty) throw new SpatialVlmException("the decoder returned no mask candidates");
        int best = 0;
        for (int i = 0; i < iou.Length; i++)
        {
            if (float.IsNaN(iou[i])) throw new SpatialVlmException($"the decoder returned a NaN IoU score for candidate {i}");
            if (iou[i] > iou[best]) best = i;
        }
        return best;
    }

    /// <summary>One-line error unless the output has exactly the expected shape.</summary>
    protected static void ExpectShape(OnnxModel model, string output, int[] actual, params int[] expected)
    {
        if (!actual.AsSpan().SequenceEqual(expected))
            throw new SpatialVlmException($"{model.Path}: '{output}' has shape [{string.Join(",", actual)}], expected [{string.Join(",", expected)}]");
    }

    public abstract void Dispose();
}
