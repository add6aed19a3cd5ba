using System.Text.Json;
using SpatialVlm.Perception.Clip;

namespace SpatialVlm.Perception.Tests;

/// <summary>A tiny CLIP vocabulary and merges laid out like the real one, and tiny CLIP towers with the real signatures.</summary>
internal static class ClipTestModels
{
    /// <summary>
    /// Ids 0..255 are the byte symbols and 256..511 the same with "&lt;/w&gt;", in CLIP's order (so "?&lt;/w&gt;" is 286 by
    /// construction); the test-vector words get their real ids; intermediate merges get ids from 40000.
    /// </summary>
    public static void WriteTokenizer(string folder)
    {
        var vocab = new Dictionary<string, int>();
        var symbols = ClipTokenizer.ByteSymbolsInVocabOrder();
        for (int i = 0; i < 256; i++) { vocab[symbols[i].ToString()] = i; vocab[symbols[i] + "</w>"] = 256 + i; }
        // Rank order matters: "o w</w>" and "o i" would win if ranks were ignored or reversed, and give other tokens.
        string[] merges =
        [
            "h o", "i n", "d o", "o u</w>", "r e</w>", "in g</w>", "ho w</w>", "a re</w>", "y ou</w>", "do ing</w>", "o w</w>", "o i",
            "r e", "re d</w>", "b l", "bl u", "blu e</w>",
        ];
        int next = 40000;
        foreach (var m in merges)
        {
            var merged = m.Replace(" ", "");
            vocab.TryAdd(merged, next++);
        }
        vocab["how</w>"] = 829; vocab["are</w>"] = 631; vocab["you</w>"] = 592; vocab["doing</w>"] = 1960;
        vocab["red</w>"] = 8;   // ≡ 0 mod 8: embedding row 0 in the tiny text tower
        vocab["blue</w>"] = 18; // ≡ 2 mod 8: row 2
        vocab["<|startoftext|>"] = 49406; vocab["<|endoftext|>"] = 49407;
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. merges]);
    }

    public const int Dim = 512;

    /// <summary>
    /// text_embeds = Σ over unmasked tokens of row (id mod 8) of a table whose row j is the unit vector e_j for
    /// j ∈ {0..5, 7} and zero for j = 6 (BOS 49406 ≡ 6). EOS 49407 ≡ 7 contributes e_7, so padding must be masked.
    /// </summary>
    public static string TextModel(string path)
    {
        var table = new float[8 * Dim];
        for (int j = 0; j < 8; j++) if (j != 6) table[j * Dim + j] = 1;
        return new TinyOnnx()
            .Input("input_ids", TinyOnnx.Int64, "batch", "sequence")
            .Input("attention_mask", TinyOnnx.Int64, "batch", "sequence")
            .Output("text_embeds", TinyOnnx.Float, "batch", Dim)
            .Int64Constant("eight", [], 8)
            .FloatConstant("table", [8, Dim], table)
            .Int64Constant("axis1", [1], 1)
            .Int64Constant("axis2", [1], 2)
            .Node("Mod", ["input_ids", "eight"], ["row"])
            .Node("Gather", ["table", "row"], ["vectors"], TinyOnnx.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["maskf"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Unsqueeze", ["maskf", "axis2"], ["mask3"])
            .Node("Mul", ["vectors", "mask3"], ["masked"])
            .Node("ReduceSum", ["masked", "axis1"], ["text_embeds"], TinyOnnx.Int("keepdims", 0))
            .Save(path);
    }

    /// <summary>image_embeds = (mean R, 0, mean B, 0, 0, 0, 0, Bias, 0, ...) of the normalised input.</summary>
    public static string VisionModel(string path, float bias)
    {
        var w = new float[3 * Dim];
        w[0 * Dim + 0] = 1; w[2 * Dim + 2] = 1;
        var b = new float[Dim];
        b[7] = bias;
        return new TinyOnnx()
            .Input("pixel_values", TinyOnnx.Float, "batch", 3, 224, 224)
            .Output("image_embeds", TinyOnnx.Float, "batch", Dim)
            .FloatConstant("w", [3, Dim], w)
            .FloatConstant("b", [Dim], b)
            .Node("ReduceMean", ["pixel_values"], ["m"], TinyOnnx.Ints("axes", 2, 3), TinyOnnx.Int("keepdims", 0))
            .Node("MatMul", ["m", "w"], ["mw"])
            .Node("Add", ["mw", "b"], ["image_embeds"])
            .Save(path);
    }
}
