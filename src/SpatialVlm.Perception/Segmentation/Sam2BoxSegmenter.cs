using SpatialVlm.Core;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>
/// SAM2 in the transformers.js format (onnx-community/sam2.1-hiera-tiny-ONNX: onnx/vision_encoder.onnx and
/// onnx/prompt_encoder_mask_decoder.onnx). Names, shapes and dtypes follow transformers.js Sam2Model: the encoder maps
/// `pixel_values` [B,3,1024,1024] to `image_embeddings.0/1/2` ([B,32,256,256], [B,64,128,128], [B,256,64,64]); for
/// box-only prompts the decoder gets `input_points` [B,1,0,2] (empty float), `input_labels` [B,nb,0] (empty int64)
/// and `input_boxes` [B,nb,4], and returns `iou_scores` [B,nb,3], `pred_masks` [B,nb,3,256,256] logits and
/// `object_score_logits` [B,nb,1]. All boxes of an image go in one call (up to MaxBoxesPerCall).
/// Preprocessing, from Hugging Face's Sam2ImageProcessorFast (the processor facebook/sam2.1-* configs name): resize
/// to 1024×1024 without keeping the aspect ratio, bilinear, rescale 1/255, ImageNet mean/std, no padding; boxes scale
/// by (1024/W, 1024/H). Unconfirmed for the ONNX repo's own preprocessor_config.json (not readable offline), so the
/// keep-aspect-and-pad alternative is an option (<see cref="BoxSegmenterOptions.Sam2Frame"/>). Note transformers.js's
/// SamImageProcessor.reshape_input_points multiplies x by the height ratio (w % 2 indexes [h, w]); that only matters
/// for non-uniform scales, and here each axis gets its own ratio as in the Python processor. The Python processor
/// resizes with torchvision (antialiased bilinear on tensors); Pillow's bilinear is used here. Every output shape is
/// checked and a mismatch is a one-line error. `object_score_logits` is checked but not used to gate masks.
/// </summary>
public sealed class Sam2BoxSegmenter : BoxSegmenterBase<Sam2BoxSegmenter.Embeddings>
{
    public const int FrameSize = 1024, LowResSize = 256;
    private static readonly string[] EmbeddingNames = ["image_embeddings.0", "image_embeddings.1", "image_embeddings.2"];
    private static readonly int[][] EmbeddingShapes = [[1, 32, 256, 256], [1, 64, 128, 128], [1, 256, 64, 64]];

    /// <summary>The encoder's three feature maps of one image.</summary>
    public sealed record Embeddings(float[][] Levels);

    private readonly OnnxModel encoder, decoder;

    public override string Name { get; }

    public Sam2BoxSegmenter(string encoderPath, string decoderPath, BoxSegmenterOptions? options = null, string name = "sam2") : base(options)
    {
        Name = name;
        encoder = OnnxModel.Open(encoderPath, Options.Session, [("pixel_values", typeof(float))],
            EmbeddingNames.Select(n => (n, typeof(float))).ToArray());
        try
        {
            decoder = OnnxModel.Open(decoderPath, Options.Session,
                [.. EmbeddingNames.Select(n => (n, typeof(float))),
                 ("input_points", typeof(float)), ("input_labels", typeof(long)), ("input_boxes", typeof(float))],
                [("iou_scores", typeof(float)), ("pred_masks", typeof(float)), ("object_score_logits", typeof(float))]);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    protected override SegmentationFrame FrameOf(RgbImage image) => SegmentationFrame.For(Options.Sam2Frame, image.Height, image.Width, FrameSize);

    protected override Embeddings Encode(RgbImage image, SegmentationFrame frame)
    {
        var pixels = FrameTensor.PaddedNchw(image, frame, ChannelNormalization.ImageNet);
        var outputs = encoder.Run([OnnxInput.Of("pixel_values", pixels, 1, 3, FrameSize, FrameSize)], EmbeddingNames);
        for (int i = 0; i < outputs.Length; i++) ExpectShape(encoder, EmbeddingNames[i], outputs[i].Shape, EmbeddingShapes[i]);
        return new Embeddings(outputs.Select(o => o.Data).ToArray());
    }

    /// <summary>input_boxes for a batch of prompts: (x0, y0, x1, y1) per box in the 1024 frame.</summary>
    internal static float[] FrameBoxes(ReadOnlySpan<PixelBox> prompts, SegmentationFrame frame)
    {
        var boxes = new float[4 * prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            (boxes[4 * i], boxes[4 * i + 1]) = frame.ToFrame(prompts[i].X0, prompts[i].Y0);
            (boxes[4 * i + 2], boxes[4 * i + 3]) = frame.ToFrame(prompts[i].X1, prompts[i].Y1);
        }
        return boxes;
    }

    protected override BoxMask[] Decode(Embeddings embedding, SegmentationFrame frame, PixelBox[] prompts)
    {
        var masks = new BoxMask[prompts.Length];
        const int plane = LowResSize * LowResSize;
        for (int first = 0; first < prompts.Length; first += Options.MaxBoxesPerCall)
        {
            int nb = Math.Min(Options.MaxBoxesPerCall, prompts.Length - first);
            var inputs = new List<OnnxInput>();
            for (int i = 0; i < EmbeddingNames.Length; i++) inputs.Add(OnnxInput.Of(EmbeddingNames[i], embedding.Levels[i], EmbeddingShapes[i]));
            inputs.Add(OnnxInput.Of("input_points", Array.Empty<float>(), 1, 1, 0, 2));
            inputs.Add(OnnxInput.Of("input_labels", Array.Empty<long>(), 1, nb, 0));
            inputs.Add(OnnxInput.Of("input_boxes", FrameBoxes(prompts.AsSpan(first, nb), frame), 1, nb, 4));
            CountDecoderRun();
            var outputs = decoder.Run(inputs, "iou_scores", "pred_masks", "object_score_logits");
            var (iou, pred, objectness) = (outputs[0], outputs[1], outputs[2]);
            int candidates = iou.Shape.Length == 3 ? iou.Shape[2] : -1;
            ExpectShape(decoder, "iou_scores", iou.Shape, 1, nb, Math.Max(candidates, 1));
            ExpectShape(decoder, "pred_masks", pred.Shape, 1, nb, candidates, LowResSize, LowResSize);
            ExpectShape(decoder, "object_score_logits", objectness.Shape, 1, nb, 1);
            for (int b = 0; b < nb; b++)
            {
                int best = BestCandidate(iou.Data.AsSpan(b * candidates, candidates));
                var lowRes = pred.Data.AsSpan((b * candidates + best) * plane, plane);
                masks[first + b] = new BoxMask(MaskUpsampling.Pixels(lowRes, LowResSize, frame, Options.MaskThreshold), iou.Data[b * candidates + best]);
            }
        }
        return masks;
    }

    public override void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }
}
