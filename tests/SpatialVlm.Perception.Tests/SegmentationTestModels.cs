namespace SpatialVlm.Perception.Tests;

/// <summary>
/// Tiny SAM and SAM2 graphs with the published input/output names, shapes and dtypes. The decoders draw the prompted
/// box itself as logits: a cell's logit is its centre's signed distance to the box edges in 1024-frame pixels, min over
/// the four edges (linear along each edge, so bilinear upsampling keeps the zero crossing on the edge). Candidates:
/// 0 = empty, 1 = the box, 2 = its complement. IoU scores are 0.5, 0.9 and 0.6, each plus the mean of the image
/// embeddings, so the predicted IoU exposes what the encoder produced.
/// </summary>
internal static class SegmentationTestModels
{
    private const int Double = 11; // TensorProto DOUBLE: means of large tensors are taken in double so the test can compare them tightly

    private static float[] Grid(int cells) => Enumerable.Range(0, cells).Select(u => (u + 0.5f) * 1024f / cells).ToArray();

    /// <summary>SAM encoder, NCHW layout: image_embeddings channels 0–2 are the input sampled every 16 pixels, the rest zero.</summary>
    public static string SamEncoderNchw(string path, int size = 1024) => new TinyOnnx()
        .Input("input_image", TinyOnnx.Float, 1, 3, size, size)
        .Output("image_embeddings", TinyOnnx.Float, 1, 256, 64, 64)
        .Int64Constant("starts", [2], 0, 0).Int64Constant("ends", [2], size, size)
        .Int64Constant("axes", [2], 2, 3).Int64Constant("steps", [2], size / 64, size / 64)
        .Int64Constant("pads", [8], 0, 0, 0, 0, 0, 253, 0, 0)
        .Node("Slice", ["input_image", "starts", "ends", "axes", "steps"], ["sampled"])
        .Node("Pad", ["sampled", "pads"], ["image_embeddings"])
        .Save(path);

    /// <summary>SAM encoder, samexporter --use-preprocess layout [h,w,3]: embeddings hold (mean R, mean G, mean B, h, w, 3, 0, ...) everywhere.</summary>
    public static string SamEncoderHwc(string path) => new TinyOnnx()
        .Input("input_image", TinyOnnx.Float, "image_height", "image_width", 3)
        .Output("image_embeddings", TinyOnnx.Float, 1, 256, 64, 64)
        .Int64Constant("pads", [2], 0, 250)
        .Int64Constant("column", [4], 1, 256, 1, 1)
        .Int64Constant("full", [4], 1, 256, 64, 64)
        .Node("ReduceMean", ["input_image"], ["m"], TinyOnnx.Ints("axes", 0, 1), TinyOnnx.Int("keepdims", 0))
        .Node("Shape", ["input_image"], ["shape"])
        .Node("Cast", ["shape"], ["shapef"], TinyOnnx.Int("to", TinyOnnx.Float))
        .Node("Concat", ["m", "shapef"], ["features"], TinyOnnx.Int("axis", 0))
        .Node("Pad", ["features", "pads"], ["padded"])
        .Node("Reshape", ["padded", "column"], ["col"])
        .Node("Expand", ["col", "full"], ["image_embeddings"])
        .Save(path);

    /// <summary>
    /// SAM decoder (segment-anything export format). Reads the box from points 0 and 1; the box candidate's IoU is
    /// lowered by |l0 − 2| + |l1 − 3| + |l2 + 1| + |padding point| + Σ|mask_input| + |has_mask_input|, so a wrong
    /// prompt makes the complement win. With lowRes the masks come as low_res_masks [1,3,256,256] (and `masks` is
    /// the same tensor, unused by the reader); otherwise `masks` [1,3,H,W] is drawn at orig_im_size directly.
    /// </summary>
    public static string SamDecoder(string path, bool lowRes)
    {
        var g = SamDecoderSignature();
        if (lowRes) g.Output("low_res_masks", TinyOnnx.Float, 1, "num_masks", 256, 256);
        g.Int64Constant("flat", [1], -1).Int64Constant("row2", [2], 1, 3)
            .Int64Constant("ax0", [1], 0).Int64Constant("ax1", [1], 1).Int64Constant("ax01", [2], 0, 1);
        for (int i = 0; i < 6; i++) g.Int64Constant($"i{i}", [], i);
        g.FloatConstant("two", [], 2f).FloatConstant("three", [], 3f).FloatConstant("one", [], 1f).FloatConstant("zero", [], 0f)
            .FloatConstant("half", [], 0.5f).FloatConstant("frame", [], 1024f).FloatConstant("big", [], 10000f)
            .FloatConstant("b0", [1], 0.5f).FloatConstant("b1", [1], 0.9f).FloatConstant("b2", [1], 0.6f)
            .Node("Reshape", ["point_coords", "flat"], ["pc"])
            .Node("Reshape", ["point_labels", "flat"], ["pl"]);
        string[] coord = ["x0", "y0", "x1", "y1", "px", "py"];
        for (int i = 0; i < 6; i++) g.Node("Gather", ["pc", $"i{i}"], [coord[i]]);
        for (int i = 0; i < 3; i++) g.Node("Gather", ["pl", $"i{i}"], [$"l{i}"]);
        g.Node("Sub", ["l0", "two"], ["e0"]).Node("Abs", ["e0"], ["a0"])
            .Node("Sub", ["l1", "three"], ["e1"]).Node("Abs", ["e1"], ["a1"])
            .Node("Add", ["l2", "one"], ["e2"]).Node("Abs", ["e2"], ["a2"])
            .Node("Abs", ["px"], ["a3"]).Node("Abs", ["py"], ["a4"])
            .Node("Abs", ["mask_input"], ["am"]).Node("ReduceSum", ["am"], ["a5"], TinyOnnx.Int("keepdims", 0))
            .Node("Abs", ["has_mask_input"], ["ah"]).Node("ReduceSum", ["ah"], ["a6"], TinyOnnx.Int("keepdims", 0))
            .Node("Sum", ["a0", "a1", "a2", "a3", "a4", "a5", "a6"], ["err"]);
        if (lowRes)
            g.FloatConstant("xs", [256], Grid(256)).FloatConstant("ys", [256], Grid(256));
        else
            g.Node("Gather", ["orig_im_size", "i0"], ["h"]).Node("Gather", ["orig_im_size", "i1"], ["w"])
                .Node("Max", ["h", "w"], ["longest"]).Node("Div", ["frame", "longest"], ["scale"])
                .Node("Range", ["zero", "w", "one"], ["xr"]).Node("Add", ["xr", "half"], ["xc"]).Node("Mul", ["xc", "scale"], ["xs"])
                .Node("Range", ["zero", "h", "one"], ["yr"]).Node("Add", ["yr", "half"], ["yc"]).Node("Mul", ["yc", "scale"], ["ys"]);
        g.Node("Sub", ["xs", "x0"], ["dl"]).Node("Sub", ["x1", "xs"], ["dr"]).Node("Min", ["dl", "dr"], ["dx"])
            .Node("Sub", ["ys", "y0"], ["dt"]).Node("Sub", ["y1", "ys"], ["db"]).Node("Min", ["dt", "db"], ["dy"])
            .Node("Unsqueeze", ["dy", "ax1"], ["dyc"])
            .Node("Min", ["dyc", "dx"], ["logit"])
            .Node("Sub", ["logit", "big"], ["empty"]).Node("Neg", ["logit"], ["outside"])
            .Node("Unsqueeze", ["empty", "ax01"], ["c0"]).Node("Unsqueeze", ["logit", "ax01"], ["c1"]).Node("Unsqueeze", ["outside", "ax01"], ["c2"])
            .Node("Concat", ["c0", "c1", "c2"], [lowRes ? "low_res_masks" : "masks"], TinyOnnx.Int("axis", 1))
            .Node("Cast", ["image_embeddings"], ["ed"], TinyOnnx.Int("to", Double))
            .Node("ReduceMean", ["ed"], ["emd"], TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["emd"], ["e"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Add", ["b0", "e"], ["s0"])
            .Node("Add", ["b1", "e"], ["s1e"]).Node("Sub", ["s1e", "err"], ["s1"])
            .Node("Add", ["b2", "e"], ["s2"])
            .Node("Concat", ["s0", "s1", "s2"], ["scores"], TinyOnnx.Int("axis", 0))
            .Node("Reshape", ["scores", "row2"], ["iou_predictions"]);
        if (lowRes) g.Node("Identity", ["low_res_masks"], ["masks"]);
        return g.Save(path);
    }

    /// <summary>A graph declaring the segment-anything decoder's inputs and its `masks` / `iou_predictions` outputs.</summary>
    public static TinyOnnx SamDecoderSignature() => new TinyOnnx()
        .Input("image_embeddings", TinyOnnx.Float, 1, 256, 64, 64)
        .Input("point_coords", TinyOnnx.Float, 1, "num_points", 2)
        .Input("point_labels", TinyOnnx.Float, 1, "num_points")
        .Input("mask_input", TinyOnnx.Float, 1, 1, 256, 256)
        .Input("has_mask_input", TinyOnnx.Float, 1)
        .Input("orig_im_size", TinyOnnx.Float, 2)
        .Output("masks", TinyOnnx.Float, 1, "num_masks", "height", "width")
        .Output("iou_predictions", TinyOnnx.Float, 1, "num_masks");

    /// <summary>SAM2 vision encoder: every level is the mean of pixel_values broadcast to the published shape.</summary>
    public static string Sam2Encoder(string path) => new TinyOnnx()
        .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, 1024, 1024)
        .Output("image_embeddings.0", TinyOnnx.Float, "batch_size", 32, 256, 256)
        .Output("image_embeddings.1", TinyOnnx.Float, "batch_size", 64, 128, 128)
        .Output("image_embeddings.2", TinyOnnx.Float, "batch_size", 256, 64, 64)
        .Int64Constant("s0", [4], 1, 32, 256, 256).Int64Constant("s1", [4], 1, 64, 128, 128).Int64Constant("s2", [4], 1, 256, 64, 64)
        .Node("Cast", ["pixel_values"], ["pd"], TinyOnnx.Int("to", Double))
        .Node("ReduceMean", ["pd"], ["md"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 1))
        .Node("Cast", ["md"], ["m"], TinyOnnx.Int("to", TinyOnnx.Float))
        .Node("Expand", ["m", "s0"], ["image_embeddings.0"])
        .Node("Expand", ["m", "s1"], ["image_embeddings.1"])
        .Node("Expand", ["m", "s2"], ["image_embeddings.2"])
        .Save(path);

    /// <summary>
    /// SAM2 prompt encoder + mask decoder (transformers.js signature): pred_masks [B,nb,3,G,G] draw each input box;
    /// iou_scores = (0.5, 0.9, 0.6 + x0/1000) + Σ level means, so a box whose frame x0 exceeds 300 picks its complement.
    /// G is 256 as published; another G gives a wrong-shape export.
    /// </summary>
    public static string Sam2Decoder(string path, int grid = 256)
    {
        var gy = Grid(grid);
        return Sam2DecoderSignature(grid)
            .Int64Constant("ax2", [1], 2).Int64Constant("ax34", [2], 3, 4)
            .Int64Constant("k0", [1], 0).Int64Constant("k1", [1], 1).Int64Constant("k2", [1], 2).Int64Constant("k3", [1], 3).Int64Constant("k4", [1], 4)
            .FloatConstant("gx", [grid], Grid(grid)).FloatConstant("gy", [grid, 1], gy)
            .FloatConstant("big", [], 10000f).FloatConstant("zero", [], 0f).FloatConstant("one", [], 1f).FloatConstant("thousand", [], 1000f)
            .FloatConstant("base", [3], 0.5f, 0.9f, 0.6f).FloatConstant("third", [3], 0f, 0f, 1f)
            .Node("Slice", ["input_boxes", "k0", "k1", "ax2"], ["x0"]).Node("Slice", ["input_boxes", "k1", "k2", "ax2"], ["y0"])
            .Node("Slice", ["input_boxes", "k2", "k3", "ax2"], ["x1"]).Node("Slice", ["input_boxes", "k3", "k4", "ax2"], ["y1"])
            .Node("Unsqueeze", ["x0", "ax34"], ["X0"]).Node("Unsqueeze", ["y0", "ax34"], ["Y0"])
            .Node("Unsqueeze", ["x1", "ax34"], ["X1"]).Node("Unsqueeze", ["y1", "ax34"], ["Y1"])
            .Node("Sub", ["gx", "X0"], ["dl"]).Node("Sub", ["X1", "gx"], ["dr"]).Node("Min", ["dl", "dr"], ["dx"])
            .Node("Sub", ["gy", "Y0"], ["dt"]).Node("Sub", ["Y1", "gy"], ["db"]).Node("Min", ["dt", "db"], ["dy"])
            .Node("Min", ["dx", "dy"], ["logit"])
            .Node("Sub", ["logit", "big"], ["empty"]).Node("Neg", ["logit"], ["outside"])
            .Node("Concat", ["empty", "logit", "outside"], ["pred_masks"], TinyOnnx.Int("axis", 2))
            .Node("Cast", ["image_embeddings.0"], ["d0"], TinyOnnx.Int("to", Double))
            .Node("ReduceMean", ["d0"], ["md0"], TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["md0"], ["m0"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Cast", ["image_embeddings.1"], ["d1"], TinyOnnx.Int("to", Double))
            .Node("ReduceMean", ["d1"], ["md1"], TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["md1"], ["m1"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Cast", ["image_embeddings.2"], ["d2"], TinyOnnx.Int("to", Double))
            .Node("ReduceMean", ["d2"], ["md2"], TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["md2"], ["m2"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Sum", ["m0", "m1", "m2"], ["e"])
            .Node("Mul", ["x0", "zero"], ["zeros"])
            .Node("Div", ["x0", "thousand"], ["shift"]).Node("Mul", ["shift", "third"], ["shift3"])
            .Node("Add", ["zeros", "base"], ["scores0"]).Node("Add", ["scores0", "shift3"], ["scores1"])
            .Node("Add", ["scores1", "e"], ["iou_scores"])
            .Node("Add", ["zeros", "one"], ["object_score_logits"])
            .Save(path);
    }

    /// <summary>A graph declaring the SAM2 prompt encoder + mask decoder's inputs and outputs (transformers.js names; masks on a grid² plane).</summary>
    public static TinyOnnx Sam2DecoderSignature(int grid = 256) => new TinyOnnx()
        .Input("image_embeddings.0", TinyOnnx.Float, "batch_size", 32, 256, 256)
        .Input("image_embeddings.1", TinyOnnx.Float, "batch_size", 64, 128, 128)
        .Input("image_embeddings.2", TinyOnnx.Float, "batch_size", 256, 64, 64)
        .Input("input_points", TinyOnnx.Float, "batch_size", 1, "num_points", 2)
        .Input("input_labels", TinyOnnx.Int64, "batch_size", "num_boxes", "num_points")
        .Input("input_boxes", TinyOnnx.Float, "batch_size", "num_boxes", 4)
        .Output("iou_scores", TinyOnnx.Float, "batch_size", "num_boxes", 3)
        .Output("pred_masks", TinyOnnx.Float, "batch_size", "num_boxes", 3, grid, grid)
        .Output("object_score_logits", TinyOnnx.Float, "batch_size", "num_boxes", 1);
}
