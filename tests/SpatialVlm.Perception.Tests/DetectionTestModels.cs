using SpatialVlm.Core;

namespace SpatialVlm.Perception.Tests;

/// <summary>One hand-designed prediction of a tiny detector: at row Row, the logit for a text key, and the box (cx, cy, w, h).</summary>
internal sealed record TinyPrediction(int Row, int Key, float Logit, float Cx, float Cy, float W, float H);

/// <summary>Tiny OWL and Grounding DINO graphs with the published input/output names, dtypes and (dynamic) shapes.</summary>
internal static class DetectionTestModels
{
    public const float Off = -10f; // sigmoid ≈ 4.5e-5: below every threshold used

    /// <summary>
    /// OWL signature: pixel_values [batch,3,S,S], input_ids/attention_mask int64 [num_queries,16] -> logits
    /// [batch,P,num_queries], pred_boxes [batch,P,4]. logits[b,p,q] = W[p, input_ids[q,1] mod Keys] + imageGain ·
    /// (mean over channels of pixel_values[b,:,0,0]) (a single pixel: a float sum over the whole tensor drifts); every unlisted entry of W is Off and every unlisted box (0.5,0.5,0.1,0.1).
    /// The key of a query is its first token after BOS (mod Keys).
    /// </summary>
    public static string Owl(string path, int size, int patches, int keys, IEnumerable<TinyPrediction> predictions, float imageGain = 0)
    {
        var (w, boxes) = Tables(patches, keys, predictions, t => t.Row * keys + t.Key);
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, size, size)
            .Input("input_ids", TinyOnnx.Int64, "num_queries", 16)
            .Input("attention_mask", TinyOnnx.Int64, "num_queries", 16)
            .Output("logits", TinyOnnx.Float, "batch_size", patches, "num_queries")
            .Output("pred_boxes", TinyOnnx.Float, "batch_size", patches, 4)
            .FloatConstant("W", [patches, keys], w)
            .FloatConstant("boxes", [patches, 4], boxes)
            .Int64Constant("one", [], 1)
            .Int64Constant("keys", [], keys)
            .Int64Constant("axes12", [2], 1, 2)
            .FloatConstant("gain", [], imageGain)
            .FloatConstant("zero", [], 0f)
            .Node("Gather", ["input_ids", "one"], ["first"], TinyOnnx.Int("axis", 1))
            .Node("Mod", ["first", "keys"], ["col"])
            .Node("Gather", ["W", "col"], ["pq"], TinyOnnx.Int("axis", 1))
            .Int64Constant("px0", [2], 0, 0)
            .Int64Constant("px1", [2], 1, 1)
            .Int64Constant("axes23", [2], 2, 3)
            .Node("Slice", ["pixel_values", "px0", "px1", "axes23"], ["corner"])
            .Node("ReduceMean", ["corner"], ["mean"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 0))
            .Node("Unsqueeze", ["mean", "axes12"], ["mean3"])
            .Node("Mul", ["mean3", "gain"], ["term"])
            .Node("Add", ["pq", "term"], ["logits"])
            .Node("Mul", ["mean3", "zero"], ["zeros"])
            .Node("Add", ["boxes", "zeros"], ["pred_boxes"])
            .Save(path);
    }

    /// <summary>A rows × keys logit table (Off, then the predictions at index(t)) and rows boxes ((0.5,0.5,0.1,0.1), then the predictions').</summary>
    private static (float[] Logits, float[] Boxes) Tables(int rows, int keys, IEnumerable<TinyPrediction> predictions, Func<TinyPrediction, int> index)
    {
        var logits = new float[rows * keys];
        Array.Fill(logits, Off);
        var boxes = new float[rows * 4];
        for (int r = 0; r < rows; r++) (boxes[4 * r], boxes[4 * r + 1], boxes[4 * r + 2], boxes[4 * r + 3]) = (0.5f, 0.5f, 0.1f, 0.1f);
        foreach (var t in predictions)
        {
            logits[index(t)] = t.Logit;
            (boxes[4 * t.Row], boxes[4 * t.Row + 1], boxes[4 * t.Row + 2], boxes[4 * t.Row + 3]) = (t.Cx, t.Cy, t.W, t.H);
        }
        return (logits, boxes);
    }

    public static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    public static void AssertDetection(SpatialVlm.Perception.Photo.Detection d, float x0, float y0, float x1, float y1, float score, int query, string label)
    {
        Assert.Equal((query, label), (d.QueryIndex, d.Label));
        Assert.Equal(score, d.Score, 5);
        Assert.Equal(x0, d.Box.X0, 3); Assert.Equal(y0, d.Box.Y0, 3); Assert.Equal(x1, d.Box.X1, 3); Assert.Equal(y1, d.Box.Y1, 3);
    }

    public const int Queries = 900, Slots = 256;

    /// <summary>
    /// Grounding DINO signature: pixel_values [batch,3,height,width], pixel_mask [batch,height,width], input_ids /
    /// attention_mask / token_type_ids [batch,seq] int64 -> logits [batch,900,256], pred_boxes [batch,900,4].
    /// logits[b,n,j] = E[input_ids[b,j], n] for token positions j &lt; seq and -100 beyond (E is Off except the
    /// listed (Row = n, Key = token id) entries): detection query n fires on the tokens whose id is listed for it.
    /// Boxes are constants plus (mean pixel_mask − 1) + mean attention_mask − 1 + mean token_type_ids, so anything
    /// but ones/ones/zeros shifts them.
    /// </summary>
    public static string GroundingDino(string path, int vocabSize, IEnumerable<TinyPrediction> predictions)
    {
        var (e, boxes) = Tables(Queries, vocabSize, predictions, t => t.Key * Queries + t.Row);
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, "height", "width")
            .Input("pixel_mask", TinyOnnx.Int64, "batch_size", "height", "width")
            .Input("input_ids", TinyOnnx.Int64, "batch_size", "sequence_length")
            .Input("attention_mask", TinyOnnx.Int64, "batch_size", "sequence_length")
            .Input("token_type_ids", TinyOnnx.Int64, "batch_size", "sequence_length")
            .Output("logits", TinyOnnx.Float, "batch_size", Queries, Slots)
            .Output("pred_boxes", TinyOnnx.Float, "batch_size", Queries, 4)
            .FloatConstant("E", [vocabSize, Queries], e)
            .FloatConstant("boxes", [Queries, 4], boxes)
            .Int64Constant("slots", [1], Slots)
            .Int64Constant("zeros5", [5], 0, 0, 0, 0, 0)
            .Int64Constant("start1", [1], 1)
            .Int64Constant("end2", [1], 2)
            .Int64Constant("axes12", [2], 1, 2)
            .FloatConstant("padLogit", [], -100f)
            .FloatConstant("zero", [], 0f)
            .FloatConstant("onef", [], 1f)
            .Node("Gather", ["E", "input_ids"], ["g"], TinyOnnx.Int("axis", 0))
            .Node("Transpose", ["g"], ["gt"], TinyOnnx.Ints("perm", 0, 2, 1))
            .Node("Shape", ["input_ids"], ["idsShape"])
            .Node("Slice", ["idsShape", "start1", "end2"], ["len"])
            .Node("Sub", ["slots", "len"], ["rest"])
            .Node("Concat", ["zeros5", "rest"], ["pads"], TinyOnnx.Int("axis", 0))
            .Node("Pad", ["gt", "pads", "padLogit"], ["logits"])
            .Node("Cast", ["pixel_mask"], ["pm"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("ReduceMean", ["pm"], ["pmMean"], TinyOnnx.Ints("axes", 1, 2), TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["attention_mask"], ["am"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("ReduceMean", ["am"], ["amMean"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
            .Node("Cast", ["token_type_ids"], ["tt"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("ReduceMean", ["tt"], ["ttMean"], TinyOnnx.Ints("axes", 1), TinyOnnx.Int("keepdims", 0))
            .Node("ReduceMean", ["pixel_values"], ["pv"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 0))
            .Node("Mul", ["pv", "zero"], ["pv0"])
            .Node("Add", ["pmMean", "amMean"], ["s1"])
            .Node("Sub", ["s1", "onef"], ["s2"])
            .Node("Sub", ["s2", "onef"], ["s3"])
            .Node("Add", ["s3", "ttMean"], ["s4"])
            .Node("Add", ["s4", "pv0"], ["shift"])
            .Node("Unsqueeze", ["shift", "axes12"], ["shift3"])
            .Node("Add", ["boxes", "shift3"], ["pred_boxes"])
            .Save(path);
    }

    /// <summary>
    /// A BERT-style vocab.txt: [PAD] 0, [unused*] to 99, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, then the words.
    /// Returns the token list (id = index).
    /// </summary>
    public static string[] WriteWordPieceVocab(string path)
    {
        var tokens = new List<string> { "[PAD]" };
        for (int i = 1; i < 100; i++) tokens.Add($"[unused{i}]");
        tokens.AddRange(["[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "cat", "dog", "teddy", "bear", "bath", "##tub", "un", "##want", "##ed",
            "runn", "##ing", "caf", "##e", "a", "the", "red", "mug"]);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path, tokens);
        return tokens.ToArray();
    }
}
