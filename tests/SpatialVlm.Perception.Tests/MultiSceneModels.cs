using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Preprocessing;
using SpatialVlm.Perception.Segmentation;
using SpatialVlm.Scenes;

namespace SpatialVlm.Perception.Tests;

/// <summary>One scene a multi-scene graph serves: the rendered scene and what the detector finds in it.</summary>
internal sealed record ServedScene(RenderedScene Scene, IReadOnlyList<SceneRegion> Regions);

/// <summary>
/// Tiny graphs that serve several rendered scenes at once, for runs where concurrent workers' photos share one
/// (batched) session. Each graph tells which scene an input image shows by its fingerprint: the per-channel means of
/// the network input, computed here with the backend's own preprocessing, the nearest stored one (L1) wins. The
/// answers are then the <see cref="SceneDrivenModels"/> ones for that scene. SAM2 follows the transformers.js
/// signature; its masks are the instance images resampled to the 256² grid over the 1024 squash frame.
/// </summary>
internal static class MultiSceneModels
{
    private const float Off = DetectionTestModels.Off;

    /// <summary>Per-channel means of an NCHW tensor of one image.</summary>
    public static float[] Fingerprint(ReadOnlySpan<float> chw, int channels = 3)
    {
        int plane = chw.Length / channels;
        var means = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            foreach (var v in chw.Slice(c * plane, plane)) sum += v;
            means[c] = (float)(sum / plane);
        }
        return means;
    }

    /// <summary>Adds nodes computing `output` = int64 [B], the index of the stored fingerprint nearest to each image of `input` [B,3,H,W].</summary>
    private static TinyOnnx SceneIndex(this TinyOnnx g, string input, IReadOnlyList<float[]> fingerprints, string output) => g
        .FloatConstant($"{output}_fp", [fingerprints.Count, 3], fingerprints.SelectMany(f => f).ToArray())
        .Int64Constant($"{output}_ax1", [1], 1).Int64Constant($"{output}_ax2", [1], 2)
        .Node("ReduceMean", [input], [$"{output}_m"], TinyOnnx.Ints("axes", 2, 3), TinyOnnx.Int("keepdims", 0))
        .Node("Unsqueeze", [$"{output}_m", $"{output}_ax1"], [$"{output}_m3"])
        .Node("Sub", [$"{output}_m3", $"{output}_fp"], [$"{output}_d"]).Node("Abs", [$"{output}_d"], [$"{output}_ad"])
        .Node("ReduceSum", [$"{output}_ad", $"{output}_ax2"], [$"{output}_dist"], TinyOnnx.Int("keepdims", 0))
        .Node("ArgMin", [$"{output}_dist"], [output], TinyOnnx.Int("axis", 1), TinyOnnx.Int("keepdims", 0));

    /// <summary>Metric3D signature whose output for each image is its scene's depth (as <see cref="SceneDrivenModels.Metric3D"/>).</summary>
    public static string Metric3D(IReadOnlyList<ServedScene> scenes, string path)
    {
        int w = scenes[0].Scene.Width, h = scenes[0].Scene.Height;
        var (ih, iw) = DepthExport.Metric3D.InputSize(h, w);
        var depths = new float[scenes.Count * ih * iw];
        var fingerprints = new List<float[]>();
        var input = new float[3 * ih * iw];
        for (int s = 0; s < scenes.Count; s++)
        {
            var tmp = Path.Combine(Path.GetDirectoryName(path)!, $"depth-scene-{s}.onnx");
            ReadSingleTensor(SceneDrivenModels.Metric3D(scenes[s].Scene, tmp), "scene_depth").CopyTo(depths, s * ih * iw);
            DepthTensors.Prepare(DepthExport.Metric3D, scenes[s].Scene.Image, ih, iw, input);
            fingerprints.Add(Fingerprint(input));
        }
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch", 3, "height", "width")
            .Output("predicted_depth", TinyOnnx.Float, "batch", "height", "width")
            .FloatConstant("depths", [scenes.Count, ih, iw], depths)
            .SceneIndex("pixel_values", fingerprints, "scene")
            .Node("Gather", ["depths", "scene"], ["predicted_depth"], TinyOnnx.Int("axis", 0))
            .Save(path);
    }

    /// <summary>The float data of one initializer of a saved tiny graph (to reuse a single-scene builder's table).</summary>
    private static float[] ReadSingleTensor(string path, string name) =>
        global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Initializer.Single(t => t.Name == name).FloatData.ToArray();

    /// <summary>
    /// OWLv2 signature (as <see cref="SceneDrivenModels.OwlV2"/>) over several scenes: region r of the image's scene
    /// sits at patch r with its box over the padded square and its query's logit; every other patch and query is Off.
    /// </summary>
    public static string OwlV2(string path, ClipTokenizer tokenizer, IReadOnlyList<ServedScene> scenes)
    {
        var known = scenes.SelectMany(s => s.Regions).Select(r => r.Query).Distinct().ToList();
        int k = known.Count, p = SceneDrivenModels.OwlPatches;
        var logits = new float[scenes.Count * p * k];
        Array.Fill(logits, Off);
        var boxes = new float[scenes.Count * p * 4];
        var fingerprints = new List<float[]>();
        var input = new float[3 * SceneDrivenModels.OwlSize * SceneDrivenModels.OwlSize];
        for (int s = 0; s < scenes.Count; s++)
        {
            var scene = scenes[s].Scene;
            float side = Math.Max(scene.Width, scene.Height);
            for (int i = 0; i < p; i++) (boxes[(s * p + i) * 4], boxes[(s * p + i) * 4 + 1], boxes[(s * p + i) * 4 + 2], boxes[(s * p + i) * 4 + 3]) = (0.5f, 0.5f, 0.1f, 0.1f);
            for (int r = 0; r < scenes[s].Regions.Count; r++)
            {
                var region = scenes[s].Regions[r];
                var b = region.Box(scene.Width);
                logits[(s * p + r) * k + known.IndexOf(region.Query)] = region.Logit;
                int o = (s * p + r) * 4;
                (boxes[o], boxes[o + 1], boxes[o + 2], boxes[o + 3]) = ((b.X0 + b.X1) / 2 / side, (b.Y0 + b.Y1) / 2 / side, b.Width / side, b.Height / side);
            }
            OwlExport.OwlV2.Preprocess(scene.Image, input);
            fingerprints.Add(Fingerprint(input));
        }
        const int L = OwlExport.QueryTokens;
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, SceneDrivenModels.OwlSize, SceneDrivenModels.OwlSize)
            .Input("input_ids", TinyOnnx.Int64, "num_queries", L)
            .Input("attention_mask", TinyOnnx.Int64, "num_queries", L)
            .Output("logits", TinyOnnx.Float, "batch_size", p, "num_queries")
            .Output("pred_boxes", TinyOnnx.Float, "batch_size", p, 4)
            .FloatConstant("T", [k, L], SceneDrivenModels.TokenTable(tokenizer, known, L, 0))
            .FloatConstant("W", [scenes.Count, p, k], logits)
            .FloatConstant("boxes", [scenes.Count, p, 4], boxes)
            .FloatConstant("zero", [], 0f).FloatConstant("one", [], 1f).FloatConstant("off", [], Off)
            .Int64Constant("ax1", [1], 1).Int64Constant("ax2", [1], 2)
            .SceneIndex("pixel_values", fingerprints, "scene")
            .OwlQueryMatch()
            .Node("Gather", ["W", "scene"], ["Ws"], TinyOnnx.Int("axis", 0))
            .Node("MatMul", ["Ws", "Mt"], ["picked"])
            .Node("Add", ["picked", "unknownLogit"], ["logits"])
            .Node("Gather", ["boxes", "scene"], ["pred_boxes"], TinyOnnx.Int("axis", 0))
            .Save(path);
    }

    /// <summary>
    /// SAM2 vision encoder (transformers.js signature): every level holds the index of the image's scene (nearest
    /// fingerprint of the ImageNet-normalised squashed 1024² input), broadcast to the published shapes.
    /// </summary>
    public static string Sam2Encoder(string path, IReadOnlyList<ServedScene> scenes)
    {
        var fingerprints = scenes.Select(s =>
            Fingerprint(FrameTensor.PaddedNchw(s.Scene.Image, SegmentationFrame.Squashed(s.Scene.Height, s.Scene.Width, Sam2BoxSegmenter.FrameSize), ChannelNormalization.ImageNet))).ToList();
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, 1024, 1024)
            .Output("image_embeddings.0", TinyOnnx.Float, "batch_size", 32, 256, 256)
            .Output("image_embeddings.1", TinyOnnx.Float, "batch_size", 64, 128, 128)
            .Output("image_embeddings.2", TinyOnnx.Float, "batch_size", 256, 64, 64)
            .Int64Constant("column", [4], -1, 1, 1, 1)
            .Int64Constant("s0", [4], 1, 32, 256, 256).Int64Constant("s1", [4], 1, 64, 128, 128).Int64Constant("s2", [4], 1, 256, 64, 64)
            .SceneIndex("pixel_values", fingerprints, "scene")
            .Node("Cast", ["scene"], ["scenef"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Reshape", ["scenef", "column"], ["s"])
            .Node("Expand", ["s", "s0"], ["image_embeddings.0"])
            .Node("Expand", ["s", "s1"], ["image_embeddings.1"])
            .Node("Expand", ["s", "s2"], ["image_embeddings.2"])
            .Save(path);
    }

    /// <summary>
    /// SAM2 prompt encoder + mask decoder (transformers.js signature). Each input box gets the region of the image's
    /// scene (read from image_embeddings.0) whose box, mapped into the 1024 squash frame, is nearest in L1 to it.
    /// pred_masks [1,nb,3,256,256]: candidate 1 is the region's instance mask resampled to the 256² grid over the
    /// squash frame (cell centre → original pixel, logit +1 inside, −1 outside), candidates 0 and 2 its complement;
    /// iou_scores = (0.4, 1 − distance/1024, 0.5), so a prompt far from every region picks a complement.
    /// </summary>
    public static string Sam2Decoder(string path, IReadOnlyList<ServedScene> scenes)
    {
        const int G = Sam2BoxSegmenter.LowResSize, F = Sam2BoxSegmenter.FrameSize;
        int k = scenes.Sum(s => s.Regions.Count);
        var corners = new float[4 * k];
        var sceneOf = new float[k];
        var masks = new float[k * G * G];
        int r = 0;
        for (int s = 0; s < scenes.Count; s++)
        {
            var scene = scenes[s].Scene;
            int w = scene.Width, h = scene.Height;
            var frame = SegmentationFrame.Squashed(h, w, F);
            foreach (var region in scenes[s].Regions)
            {
                var b = region.Box(w);
                (corners[4 * r], corners[4 * r + 1]) = frame.ToFrame(b.X0, b.Y0);
                (corners[4 * r + 2], corners[4 * r + 3]) = frame.ToFrame(b.X1, b.Y1);
                sceneOf[r] = s;
                var inside = new bool[w * h];
                foreach (var p in region.Pixels) inside[p] = true;
                for (int i = 0; i < G; i++)
                    for (int j = 0; j < G; j++)
                    {
                        int x = Math.Min(w - 1, (int)((j + 0.5) * F / G / frame.ScaleX)), y = Math.Min(h - 1, (int)((i + 0.5) * F / G / frame.ScaleY));
                        masks[(r * G + i) * G + j] = inside[y * w + x] ? 1f : -1f;
                    }
                r++;
            }
        }
        return SegmentationTestModels.Sam2DecoderSignature(G)
            .FloatConstant("corners", [k, 4], corners)
            .FloatConstant("sceneOf", [k], sceneOf)
            .FloatConstant("masks", [k, G, G], masks)
            .FloatConstant("big", [], 100000f).FloatConstant("zero", [], 0f).FloatConstant("one", [], 1f)
            .FloatConstant("base", [3], 0.4f, 1f, 0.5f).FloatConstant("slope", [3], 0f, -1f / F, 0f)
            .Int64Constant("ax2", [1], 2).Int64Constant("ax3", [1], 3)
            .Node("ReduceMean", ["image_embeddings.0"], ["scene"], TinyOnnx.Int("keepdims", 0))
            .Node("Sub", ["sceneOf", "scene"], ["ds"]).Node("Abs", ["ds"], ["ads"]).Node("Mul", ["ads", "big"], ["penalty"])
            .Node("Unsqueeze", ["input_boxes", "ax2"], ["boxes4"])
            .Node("Sub", ["boxes4", "corners"], ["diff"]).Node("Abs", ["diff"], ["adiff"])
            .Node("ReduceSum", ["adiff", "ax3"], ["boxDist"], TinyOnnx.Int("keepdims", 0))
            .Node("Add", ["boxDist", "penalty"], ["dist"])
            .Node("ArgMin", ["dist"], ["nearest"], TinyOnnx.Int("axis", 2), TinyOnnx.Int("keepdims", 0))
            .Node("Gather", ["masks", "nearest"], ["mask"], TinyOnnx.Int("axis", 0))
            .Node("Unsqueeze", ["mask", "ax2"], ["mask5"]).Node("Neg", ["mask5"], ["complement"])
            .Node("Concat", ["complement", "mask5", "complement"], ["pred_masks"], TinyOnnx.Int("axis", 2))
            .Node("ReduceMin", ["dist"], ["closest"], TinyOnnx.Ints("axes", 2), TinyOnnx.Int("keepdims", 1))
            .Node("Mul", ["closest", "slope"], ["drop"]).Node("Add", ["drop", "base"], ["iou_scores"])
            .Node("Mul", ["closest", "zero"], ["zeros"]).Node("Add", ["zeros", "one"], ["object_score_logits"])
            .Save(path);
    }

    /// <summary>The SAM2 pair for these scenes.</summary>
    public static Sam2BoxSegmenter Sam2(string folder, IReadOnlyList<ServedScene> scenes) =>
        new(Sam2Encoder(Path.Combine(folder, "sam2-encoder.onnx"), scenes), Sam2Decoder(Path.Combine(folder, "sam2-decoder.onnx"), scenes));

    /// <summary>
    /// CLIP vision signature (pixel_values [B,3,224,224] → image_embeds [B,512]) whose embedding is a function of the
    /// image's pixel means: v·e_keep + reject·e_reject + baseline·e_base, v the mean over channels of E[x²] − E[x]²
    /// (the normalised input's variance). A near-uniform image leans to the reject axis, a busy scene to the keep axis.
    /// </summary>
    public static string ClipVarianceVision(string path, int keepAxis, int rejectAxis, int baseAxis, float reject, float baseline)
    {
        const int D = ClipTestModels.Dim;
        var keep = new float[D];
        keep[keepAxis] = 1;
        var constant = new float[D];
        constant[rejectAxis] = reject;
        constant[baseAxis] = baseline;
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch", 3, ClipImageEncoder.Size, ClipImageEncoder.Size)
            .Output("image_embeds", TinyOnnx.Float, "batch", D)
            .FloatConstant("keep", [D], keep).FloatConstant("constant", [D], constant)
            .Int64Constant("ax1", [1], 1)
            .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 2, 3), TinyOnnx.Int("keepdims", 1))
            .Node("Sub", ["pixel_values", "m"], ["d"]).Node("Mul", ["d", "d"], ["sq"])
            .Node("ReduceMean", ["sq"], ["v"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 0))
            .Node("Unsqueeze", ["v", "ax1"], ["v2"])
            .Node("Mul", ["v2", "keep"], ["kv"]).Node("Add", ["kv", "constant"], ["image_embeds"])
            .Save(path);
    }
}
