using SpatialVlm.Core;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>
/// SAM / MobileSAM in the segment-anything ONNX decoder format, with a samexporter-style encoder.
/// Encoder `input_image`: either [1,3,1024,1024] normalised and padded (exported without --use-preprocess) or
/// [h,w,3] raw 0–255 values of the resized, unpadded image (--use-preprocess: the graph normalises, transposes and
/// pads); the layout is read from the declared rank and anything else is refused at load. Output `image_embeddings`
/// [1,256,64,64]. Decoder (scripts/export_onnx_model.py): one box per call as two points labelled 2 and 3 in the
/// 1024 frame plus the padding point (0,0) labelled −1, no mask input. When the decoder declares `low_res_masks`
/// [1,M,256,256] those are upsampled here (samexporter does the same because the traced crop size of `masks` can be
/// frozen to the export's dummy aspect ratio); otherwise `masks` [1,M,H,W] must come at the original size.
/// </summary>
public sealed class SamBoxSegmenter : BoxSegmenterBase<float[]>
{
    public const int FrameSize = 1024, LowResSize = 256;
    private static readonly int[] EmbeddingShape = [1, 256, 64, 64];

    private readonly OnnxModel encoder, decoder;
    private readonly bool hwcEncoder, lowResOutput;
    private readonly float[] noMaskInput = new float[LowResSize * LowResSize];

    public override string Name { get; }

    public SamBoxSegmenter(string encoderPath, string decoderPath, BoxSegmenterOptions? options = null, string name = "sam") : base(options)
    {
        Name = name;
        encoder = OnnxModel.Open(encoderPath, Options.Session, [("input_image", typeof(float))], [("image_embeddings", typeof(float))]);
        try
        {
            decoder = OnnxModel.Open(decoderPath, Options.Session,
                [("image_embeddings", typeof(float)), ("point_coords", typeof(float)), ("point_labels", typeof(float)),
                 ("mask_input", typeof(float)), ("has_mask_input", typeof(float)), ("orig_im_size", typeof(float))],
                [("masks", typeof(float)), ("iou_predictions", typeof(float))]);
            hwcEncoder = EncoderTakesHwc(encoder);
        }
        catch
        {
            encoder.Dispose();
            decoder?.Dispose();
            throw;
        }
        lowResOutput = decoder.HasOutput("low_res_masks");
    }

    /// <summary>True for the [h,w,3] raw layout, false for [1,3,1024,1024]; any other declared shape is a one-line error.</summary>
    private static bool EncoderTakesHwc(OnnxModel encoder)
    {
        var dims = encoder.InputDimensions("input_image");
        static bool Fits(int declared, int wanted) => declared < 0 || declared == wanted;
        bool ok = dims.Length switch
        {
            3 => Fits(dims[2], 3),
            4 => Fits(dims[0], 1) && Fits(dims[1], 3) && Fits(dims[2], FrameSize) && Fits(dims[3], FrameSize),
            _ => false,
        };
        if (!ok)
            throw new SpatialVlmException($"{encoder.Path}: 'input_image' is declared [{string.Join(",", dims)}]; expected [h,w,3] (raw, --use-preprocess) or [1,3,{FrameSize},{FrameSize}] (normalised)");
        return dims.Length == 3;
    }

    protected override SegmentationFrame FrameOf(RgbImage image) => SegmentationFrame.LongestSide(image.Height, image.Width, FrameSize);

    protected override float[] Encode(RgbImage image, SegmentationFrame frame)
    {
        var input = hwcEncoder
            ? OnnxInput.Of("input_image", FrameTensor.ResizedHwc(image, frame), frame.ResizedHeight, frame.ResizedWidth, 3)
            : OnnxInput.Of("input_image", FrameTensor.PaddedNchw(image, frame, FrameTensor.SamPixels), 1, 3, FrameSize, FrameSize);
        var output = encoder.Run([input], "image_embeddings")[0];
        ExpectShape(encoder, "image_embeddings", output.Shape, EmbeddingShape);
        return output.Data;
    }

    /// <summary>The decoder's point prompt for a box: corners in the 1024 frame labelled 2 and 3, then (0,0) labelled −1.</summary>
    internal static (float[] Coords, float[] Labels) BoxPrompt(PixelBox box, SegmentationFrame frame)
    {
        var (x0, y0) = frame.ToFrame(box.X0, box.Y0);
        var (x1, y1) = frame.ToFrame(box.X1, box.Y1);
        return ([x0, y0, x1, y1, 0f, 0f], [2f, 3f, -1f]);
    }

    protected override BoxMask[] Decode(float[] embedding, SegmentationFrame frame, PixelBox[] prompts)
    {
        var masks = new BoxMask[prompts.Length];
        string maskOutput = lowResOutput ? "low_res_masks" : "masks";
        for (int b = 0; b < prompts.Length; b++)
        {
            var (coords, labels) = BoxPrompt(prompts[b], frame);
            CountDecoderRun();
            var outputs = decoder.Run([
                OnnxInput.Of("image_embeddings", embedding, EmbeddingShape),
                OnnxInput.Of("point_coords", coords, 1, 3, 2),
                OnnxInput.Of("point_labels", labels, 1, 3),
                OnnxInput.Of("mask_input", noMaskInput, 1, 1, LowResSize, LowResSize),
                OnnxInput.Of("has_mask_input", [0f], 1),
                OnnxInput.Of("orig_im_size", [(float)frame.Height, (float)frame.Width], 2),
            ], "iou_predictions", maskOutput);
            var (iou, mask) = (outputs[0], outputs[1]);
            int m = iou.Data.Length;
            ExpectShape(decoder, "iou_predictions", iou.Shape, 1, m);
            int best = BestCandidate(iou.Data);
            int[] pixels;
            if (lowResOutput)
            {
                ExpectShape(decoder, maskOutput, mask.Shape, 1, m, LowResSize, LowResSize);
                pixels = MaskUpsampling.Pixels(mask.Data.AsSpan(best * LowResSize * LowResSize, LowResSize * LowResSize), LowResSize, frame, Options.MaskThreshold);
            }
            else
            {
                ExpectShape(decoder, maskOutput, mask.Shape, 1, m, frame.Height, frame.Width);
                pixels = Threshold(mask.Data.AsSpan(best * frame.Height * frame.Width, frame.Height * frame.Width), Options.MaskThreshold);
            }
            masks[b] = new BoxMask(pixels, iou.Data[best]);
        }
        return masks;
    }

    private static int[] Threshold(ReadOnlySpan<float> logits, float threshold)
    {
        var pixels = new List<int>();
        for (int i = 0; i < logits.Length; i++) if (logits[i] > threshold) pixels.Add(i);
        return pixels.ToArray();
    }

    public override void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }
}
