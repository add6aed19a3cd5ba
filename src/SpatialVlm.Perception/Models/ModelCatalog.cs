namespace SpatialVlm.Perception.Models;

/// <summary>
/// The models SpatialVLM.NET knows, as data (MODELS.md). Sizes are approximate and sha256 digests are null until
/// confirmed on a first real pull (`models pull` prints the digest it computed so it can be entered here).
/// </summary>
public static class ModelCatalog
{
    private const long MB = 1_000_000;

    public static IReadOnlyList<ModelEntry> Default { get; } =
    [
        new("metric3d-vit-small", ModelRole.Depth, "metric3d", ModelHost.HuggingFace, "onnx-community/metric3d-vit-small", "main",
            [new("onnx/model.onnx")], "BSD-2-Clause (upstream Metric3D)", "pixel_values raw 0-255 -> predicted_depth at canonical f = 1000 px"),
        new("metric3d-vit-large", ModelRole.Depth, "metric3d", ModelHost.HuggingFace, "onnx-community/metric3d-vit-large", "main",
            [new("onnx/model.onnx"), new("onnx/model.onnx_data")], "BSD-2-Clause (upstream Metric3D)", "weights in the external-data companion"),
        new("depth-anything-v2-metric-indoor-small", ModelRole.Depth, "depth-anything-v2-metric", ModelHost.GitHubRelease, "fabio-sim/Depth-Anything-ONNX", "v2.0.0",
            [new("depth_anything_v2_vits_indoor_dynamic.onnx", 99 * MB)], "Apache-2.0", "depth in meters, max 20 m"),
        new("depth-anything-v2-metric-outdoor-small", ModelRole.Depth, "depth-anything-v2-metric", ModelHost.GitHubRelease, "fabio-sim/Depth-Anything-ONNX", "v2.0.0",
            [new("depth_anything_v2_vits_outdoor_dynamic.onnx", 99 * MB)], "Apache-2.0", "depth in meters, max 80 m"),
        new("depthpro-q4", ModelRole.Depth, "depthpro", ModelHost.HuggingFace, "onnx-community/DepthPro-ONNX", "main",
            [new("onnx/model_q4.onnx", 746 * MB)], "Apple ASCL", "file name and focallength_px meaning unconfirmed until a first real run"),
        new("clip-vit-base-patch32-text", ModelRole.ClipText, "clip-text", ModelHost.HuggingFace, "Xenova/clip-vit-base-patch32", "main",
            [new("onnx/text_model.onnx"), new("vocab.json"), new("merges.txt")], "MIT", "input_ids int64 [B,L] -> text_embeds [B,512]"),
        new("clip-vit-base-patch32-vision", ModelRole.ClipVision, "clip-vision", ModelHost.HuggingFace, "Xenova/clip-vit-base-patch32", "main",
            [new("onnx/vision_model.onnx")], "MIT", "pixel_values [B,3,224,224] -> image_embeds [B,512]"),
        new("owlv2-base-patch16-ensemble", ModelRole.Detector, "owlv2", ModelHost.HuggingFace, "Xenova/owlv2-base-patch16-ensemble", "main",
            [new("onnx/model.onnx", 614 * MB), new("vocab.json"), new("merges.txt")], "Apache-2.0", "grey-square pad, 960² -> logits [B,3600,Q], boxes x max(H,W)"),
        new("owlv2-base-patch16-ensemble-q8", ModelRole.Detector, "owlv2", ModelHost.HuggingFace, "Xenova/owlv2-base-patch16-ensemble", "main",
            [new("onnx/model_quantized.onnx", 155 * MB), new("vocab.json"), new("merges.txt")], "Apache-2.0", "8-bit weights of the same export"),
        new("owlvit-base-patch32", ModelRole.Detector, "owlvit", ModelHost.HuggingFace, "Xenova/owlvit-base-patch32", "main",
            [new("onnx/model.onnx"), new("vocab.json"), new("merges.txt")], "Apache-2.0", "squash 768² -> logits [B,576,Q], boxes x (W,H)"),
        new("grounding-dino-tiny", ModelRole.Detector, "grounding-dino", ModelHost.HuggingFace, "onnx-community/grounding-dino-tiny-ONNX", "main",
            [new("onnx/model.onnx"), new("vocab.txt")], "Apache-2.0", "shortest edge 800 -> logits [B,900,256] over tokens; BERT uncased vocab.txt"),
        // Segmenters: files are (encoder, decoder). slimsam-77-uniform is not listed: its decoders take no box prompt.
        new("mobilesam", ModelRole.Segmenter, "sam", ModelHost.HuggingFace, "Acly/MobileSAM", "main",
            [new("mobile_sam_image_encoder.onnx", 28 * MB), new("sam_mask_decoder_multi.onnx", 16 * MB)],
            "Apache-2.0 (MobileSAM and SAM upstream; the Hugging Face repo is tagged MIT)",
            "SAM ONNX decoder format; encoder input_image layout (HWC raw or NCHW normalised) read from its rank, unconfirmed until a first real run"),
        new("sam2.1-hiera-tiny", ModelRole.Segmenter, "sam2-transformersjs", ModelHost.HuggingFace, "onnx-community/sam2.1-hiera-tiny-ONNX", "main",
            [new("onnx/vision_encoder.onnx"), new("onnx/prompt_encoder_mask_decoder.onnx")], "Apache-2.0",
            "transformers.js format; squash-to-1024 preprocessing per Sam2ImageProcessorFast, unconfirmed for this repo's config"),
        new("florence-2-base-ft", ModelRole.Captioner, "florence-2", ModelHost.HuggingFace, "onnx-community/Florence-2-base-ft", "main",
            [new("onnx/vision_encoder.onnx"), new("onnx/embed_tokens.onnx"), new("onnx/encoder_model.onnx"), new("onnx/decoder_model_merged.onnx"), new("tokenizer.json")], "MIT",
            "region captions (<DENSE_REGION_CAPTION> / <OD>); squash 768² -> image_features, merged BART decoder with KV cache (layers read from the graph), greedy"),
    ];
}
