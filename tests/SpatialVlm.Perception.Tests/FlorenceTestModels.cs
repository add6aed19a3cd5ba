using System.Text.Json.Nodes;
using SpatialVlm.Perception.Captioning;

namespace SpatialVlm.Perception.Tests;

/// <summary>
/// A tiny Florence-2 model folder: tokenizer.json laid out like BART's (the task prompts' words and a few labels at
/// their real ids, &lt;loc_N&gt; added tokens at 50269 + N as in the real tokenizer), and four tiny graphs with the
/// published names, dtypes and dynamic dimensions (hidden size 4, 2 heads × 2, 51289 logits).
/// </summary>
internal static class FlorenceTestModels
{
    public const int Hidden = 4, Heads = 2, HeadDim = 2, Vocab = 51289, ImageTokens = 3, LocBase = 50269;
    /// <summary>Each image feature value (so the image part of the encoder states sums to 3 tokens × 4 × 0.25 = 3).</summary>
    public const float FeatureValue = 0.25f;

    /// <summary>Real BART ids of the task prompts' words (the published prompt id vectors) and of a few &lt;OD&gt; labels.</summary>
    public static readonly Dictionary<string, int> RealTokens = new()
    {
        ["."] = 4, ["Ġthe"] = 5, [","] = 6, ["Ġin"] = 11, ["Ġwith"] = 19, ["Ġtheir"] = 49, ["Loc"] = 574, ["Ġname"] = 766,
        ["Ġimage"] = 2274, ["Ġcategory"] = 4120, ["Ġobjects"] = 8720, ["ate"] = 22486, ["Ġdescriptions"] = 24173,
        ["car"] = 5901, ["door"] = 11219, ["Ġhandle"] = 3679, ["wheel"] = 13630,
    };

    /// <summary>Label words the chain test scripts, at made-up ids below the added tokens.</summary>
    public static readonly Dictionary<string, int> TestTokens = new()
    {
        ["A"] = 40001, ["Ġred"] = 40002, ["Ġchair"] = 40003, ["blue"] = 40004, ["Ġlamp"] = 40005, ["bc"] = 40006,
    };

    public static int Loc(int bin) => LocBase + bin;

    /// <summary>
    /// tokenizer.json: byte symbols at 60000 + byte (but "." 4 and "," 6), intermediate merges from 61000. Each word
    /// is built by a left-to-right chain of merges, longer words' chains ranked first so no shorter word's merge cuts
    /// into them; "b c" is ranked before "a b" so "abc" → a + bc shows that the rank, not the position, decides.
    /// </summary>
    public static void WriteTokenizer(string folder)
    {
        var vocab = new Dictionary<string, int> { ["<s>"] = 0, ["<pad>"] = 1, ["</s>"] = 2, ["<unk>"] = 3 };
        var map = Text.BytePairMerges.ByteToChar();
        for (int b = 0; b < 256; b++) vocab.TryAdd(map[b].ToString(), 60000 + b);
        foreach (var (t, id) in RealTokens.Concat(TestTokens)) vocab[t] = id;
        var merges = new List<string> { "b c", "a b" };
        int next = 61000;
        foreach (var word in RealTokens.Keys.Concat(TestTokens.Keys).Where(w => w.Length > 1 && w != "bc").OrderByDescending(w => w.Length).ThenBy(w => w, StringComparer.Ordinal))
        {
            var left = word[..1];
            foreach (var ch in word[1..])
            {
                merges.Add($"{left} {ch}");
                left += ch;
                vocab.TryAdd(left, next++);
            }
        }
        vocab.TryAdd("ab", next++);
        var added = new JsonArray();
        void Add(int id, string content, bool special) =>
            added.Add(new JsonObject { ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = special });
        Add(0, "<s>", true); Add(1, "<pad>", true); Add(2, "</s>", true); Add(3, "<unk>", true); Add(50264, "<mask>", true);
        string[] tasks = ["<od>", "</od>", "<ocr>", "</ocr>"];
        for (int i = 0; i < tasks.Length; i++) Add(50265 + i, tasks[i], false);
        for (int bin = 0; bin < 1000; bin++) Add(Loc(bin), $"<loc_{bin}>", false);
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "RobertaProcessing", ["sep"] = new JsonArray("</s>", 2), ["cls"] = new JsonArray("<s>", 0),
                ["trim_offsets"] = true, ["add_prefix_space"] = false,
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null,
                ["vocab"] = new JsonObject(vocab.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)m).ToArray()),
            },
        };
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
    }

    /// <summary>The published prompt ids (BOS … EOS) of the two tasks.</summary>
    public static readonly int[] OdPrompt = [0, 574, 22486, 5, 8720, 19, 4120, 766, 11, 5, 2274, 4, 2];
    public static readonly int[] DensePrompt = [0, 574, 22486, 5, 8720, 11, 5, 2274, 6, 19, 49, 24173, 4, 2];

    /// <summary>
    /// Writes the tokenizer and the four graphs into folder (onnx/…). The decoder emits top[step] (logit 10; second[step]
    /// gets 5) where step = the past decoder length, and pushes EOS (+100) when a check fails: use_cache_branch must be
    /// true exactly when the past is non-empty; on the cache branch the encoder past must be the first step's (as long
    /// as the encoder states); the token fed must be previous[step]; the encoder states must sum to 3 + 4·Σ prompt ids
    /// (embeddings are the id in every channel) and the attention mask must be all ones.
    /// </summary>
    public static void Write(string folder, int[] top, int[] previous, int[] promptIds, int[]? second = null, int layers = 2, int imageSize = 768,
        bool withUseCacheBranch = true)
    {
        WriteTokenizer(folder);
        var onnx = Path.Combine(folder, "onnx");
        VisionEncoder(Path.Combine(onnx, "vision_encoder.onnx"), imageSize);
        EmbedTokens(Path.Combine(onnx, "embed_tokens.onnx"));
        Encoder(Path.Combine(onnx, "encoder_model.onnx"));
        Decoder(Path.Combine(onnx, "decoder_model_merged.onnx"), top, second ?? top.Select(_ => 1).ToArray(), previous,
            ImageTokens * Hidden * FeatureValue + Hidden * promptIds.Sum(i => (float)i), layers, withUseCacheBranch);
    }

    /// <summary>pixel_values [batch_size,3,S,S] → image_features [batch_size,3,4], every value 0.25 (plus 0 × the pixel mean, so the input is used).</summary>
    public static string VisionEncoder(string path, int size) => new TinyOnnx()
        .Input("pixel_values", TinyOnnx.Float, "batch_size", 3, size, size)
        .Output("image_features", TinyOnnx.Float, "batch_size", ImageTokens, Hidden)
        .FloatConstant("features", [1, ImageTokens, Hidden], Enumerable.Repeat(FeatureValue, ImageTokens * Hidden).ToArray())
        .FloatConstant("zero", [], 0f)
        .Node("ReduceMean", ["pixel_values"], ["mean4"], TinyOnnx.Ints("axes", 1, 2, 3), TinyOnnx.Int("keepdims", 1))
        .Int64Constant("shape3", [3], -1, 1, 1)
        .Node("Reshape", ["mean4", "shape3"], ["mean"])
        .Node("Mul", ["mean", "zero"], ["nothing"])
        .Node("Add", ["nothing", "features"], ["image_features"])
        .Save(path);

    /// <summary>input_ids [batch_size,sequence_length] → inputs_embeds [.., 4]: the id in every channel.</summary>
    public static string EmbedTokens(string path) => new TinyOnnx()
        .Input("input_ids", TinyOnnx.Int64, "batch_size", "sequence_length")
        .Output("inputs_embeds", TinyOnnx.Float, "batch_size", "sequence_length", Hidden)
        .FloatConstant("ones", [Hidden], 1f, 1f, 1f, 1f)
        .Int64Constant("last", [1], -1)
        .Node("Cast", ["input_ids"], ["idsf"], TinyOnnx.Int("to", TinyOnnx.Float))
        .Node("Unsqueeze", ["idsf", "last"], ["ids3"])
        .Node("Mul", ["ids3", "ones"], ["inputs_embeds"])
        .Save(path);

    /// <summary>inputs_embeds × attention_mask → last_hidden_state (masked positions become 0).</summary>
    public static string Encoder(string path) => new TinyOnnx()
        .Input("inputs_embeds", TinyOnnx.Float, "batch_size", "encoder_sequence_length", Hidden)
        .Input("attention_mask", TinyOnnx.Int64, "batch_size", "encoder_sequence_length")
        .Output("last_hidden_state", TinyOnnx.Float, "batch_size", "encoder_sequence_length", Hidden)
        .Int64Constant("last", [1], -1)
        .Node("Cast", ["attention_mask"], ["maskf"], TinyOnnx.Int("to", TinyOnnx.Float))
        .Node("Unsqueeze", ["maskf", "last"], ["mask3"])
        .Node("Mul", ["inputs_embeds", "mask3"], ["last_hidden_state"])
        .Save(path);

    private static string Decoder(string path, int[] top, int[] second, int[] previous, float encoderSum, int layers, bool withUseCacheBranch)
    {
        var g = new TinyOnnx()
            .Input("encoder_attention_mask", TinyOnnx.Int64, "batch_size", "encoder_sequence_length")
            .Input("encoder_hidden_states", TinyOnnx.Float, "batch_size", "encoder_sequence_length", Hidden)
            .Input("inputs_embeds", TinyOnnx.Float, "batch_size", "decoder_sequence_length", Hidden);
        string[] kinds = ["decoder.key", "decoder.value", "encoder.key", "encoder.value"];
        for (int i = 0; i < layers; i++)
            foreach (var k in kinds)
                g.Input($"past_key_values.{i}.{k}", TinyOnnx.Float, "batch_size", Heads, k.StartsWith("decoder") ? "past_decoder_sequence_length" : "encoder_sequence_length_out", HeadDim);
        if (withUseCacheBranch) g.Input("use_cache_branch", TinyOnnx.Bool, 1);
        g.Output("logits", TinyOnnx.Float, "batch_size", "decoder_sequence_length", Vocab);
        for (int i = 0; i < layers; i++)
            foreach (var k in kinds)
                g.Output($"present.{i}.{k}", TinyOnnx.Float, "batch_size", Heads, k.StartsWith("decoder") ? "present_decoder_sequence_length" : "encoder_sequence_length_out", HeadDim);
        g.Int64Constant("top", [top.Length], top.Select(t => (long)t).ToArray())
            .Int64Constant("second", [second.Length], second.Select(t => (long)t).ToArray())
            .FloatConstant("previous", [previous.Length], previous.Select(t => (float)t).ToArray())
            .Int64Constant("depth", [1], Vocab)
            .FloatConstant("on10", [2], 0f, 10f).FloatConstant("on5", [2], 0f, 5f).FloatConstant("on100", [2], 0f, 100f)
            .Int64Constant("eos", [1], 2)
            .Int64Constant("i0", [], 0).Int64Constant("i1", [], 1).Int64Constant("i2", [], 2)
            .Int64Constant("v0", [1], 0).Int64Constant("v1", [1], 1).Int64Constant("v2", [1], 2)
            .FloatConstant("f1", [], 1f).FloatConstant("half", [], 0.5f).FloatConstant("four", [], Hidden).FloatConstant("encoderSum", [], encoderSum)
            .Int64Constant("logitShape", [3], 1, 1, Vocab)
            .Int64Constant("kvShape", [4], 1, -1, Heads, HeadDim)
            // step = past decoder length; the scripted tokens.
            .Node("Shape", ["past_key_values.0.decoder.key"], ["pastShape"])
            .Node("Gather", ["pastShape", "i2"], ["step"], TinyOnnx.Int("axis", 0))
            .Node("Unsqueeze", ["step", "v0"], ["stepV"]) // OneHot takes indices of rank 1 or more
            .Node("Gather", ["top", "stepV"], ["topToken"], TinyOnnx.Int("axis", 0))
            .Node("Gather", ["second", "stepV"], ["secondToken"], TinyOnnx.Int("axis", 0))
            .Node("OneHot", ["topToken", "depth", "on10"], ["topLogits"])
            .Node("OneHot", ["secondToken", "depth", "on5"], ["secondLogits"])
            .Node("OneHot", ["eos", "depth", "on100"], ["eosPush"])
            .Node("Add", ["topLogits", "secondLogits"], ["scripted"])
            // Check 1: use_cache_branch == (step > 0).
            .Node("Cast", [withUseCacheBranch ? "use_cache_branch" : "v0"], ["cacheF1"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Reshape", ["cacheF1", "empty"], ["cacheF"])
            .Int64Constant("empty", [0])
            .Node("Greater", ["step", "i0"], ["hasPast"])
            .Node("Cast", ["hasPast"], ["hasPastF"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Sub", ["cacheF", "hasPastF"], ["d1"])
            .Node("Abs", ["d1"], ["bad1"])
            // Check 2: on the cache branch the encoder past is as long as the encoder states.
            .Node("Shape", ["past_key_values.0.encoder.key"], ["encPastShape"])
            .Node("Gather", ["encPastShape", "i2"], ["encPast"], TinyOnnx.Int("axis", 0))
            .Node("Shape", ["encoder_hidden_states"], ["encShape"])
            .Node("Gather", ["encShape", "i1"], ["encLen"], TinyOnnx.Int("axis", 0))
            .Node("Equal", ["encPast", "encLen"], ["encSame"])
            .Node("Cast", ["encSame"], ["encSameF"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Sub", ["f1", "encSameF"], ["encDiff"])
            .Node("Mul", ["cacheF", "encDiff"], ["bad2"])
            // Check 3: the token fed is previous[step] (the embedding is the id in each of the 4 channels).
            .Node("ReduceSum", ["inputs_embeds"], ["embedSum"], TinyOnnx.Int("keepdims", 0))
            .Node("Div", ["embedSum", "four"], ["fed"])
            .Node("Gather", ["previous", "step"], ["wanted"], TinyOnnx.Int("axis", 0))
            .Node("Sub", ["fed", "wanted"], ["d3"]).Node("Abs", ["d3"], ["a3"]).Node("Greater", ["a3", "half"], ["b3"])
            .Node("Cast", ["b3"], ["bad3"], TinyOnnx.Int("to", TinyOnnx.Float))
            // Check 4: the encoder states sum to the image part plus 4 × the prompt ids.
            .Node("ReduceSum", ["encoder_hidden_states"], ["encoderTotal"], TinyOnnx.Int("keepdims", 0))
            .Node("Sub", ["encoderTotal", "encoderSum"], ["d4"]).Node("Abs", ["d4"], ["a4"]).Node("Greater", ["a4", "half"], ["b4"])
            .Node("Cast", ["b4"], ["bad4"], TinyOnnx.Int("to", TinyOnnx.Float))
            // Check 5: the encoder attention mask is all ones.
            .Node("ReduceSum", ["encoder_attention_mask"], ["maskSum"], TinyOnnx.Int("keepdims", 0))
            .Node("Equal", ["maskSum", "encLen"], ["maskFull"])
            .Node("Not", ["maskFull"], ["maskBad"])
            .Node("Cast", ["maskBad"], ["bad5"], TinyOnnx.Int("to", TinyOnnx.Float))
            .Node("Sum", ["bad1", "bad2", "bad3", "bad4", "bad5"], ["bad"])
            .Node("Mul", ["eosPush", "bad"], ["push"])
            .Node("Add", ["scripted", "push"], ["flat"])
            .Node("Reshape", ["flat", "logitShape"], ["logits"])
            // Keys/values: the fed embedding appended to the decoder past; the encoder states as cross-attention
            // keys/values on the first step, an empty placeholder on the cache branch.
            .Node("Reshape", ["inputs_embeds", "kvShape"], ["kv4"])
            .Node("Transpose", ["kv4"], ["newKv"], TinyOnnx.Ints("perm", 0, 2, 1, 3))
            .Node("Reshape", ["encoder_hidden_states", "kvShape"], ["enc4"])
            .Node("Transpose", ["enc4"], ["encKv"], TinyOnnx.Ints("perm", 0, 2, 1, 3))
            .Node("Cast", ["cacheF"], ["cacheI"], TinyOnnx.Int("to", TinyOnnx.Int64))
            .Node("Sub", ["i1", "cacheI"], ["keep"])
            .Node("Mul", ["encLen", "keep"], ["encEnd0"])
            .Node("Reshape", ["encEnd0", "v1"], ["encEnd"])
            .Node("Slice", ["encKv", "v0", "encEnd", "v2"], ["encPresent"]);
        for (int i = 0; i < layers; i++)
            foreach (var k in kinds)
                if (k.StartsWith("decoder")) g.Node("Concat", [$"past_key_values.{i}.{k}", "newKv"], [$"present.{i}.{k}"], TinyOnnx.Int("axis", 2));
                else g.Node("Identity", ["encPresent"], [$"present.{i}.{k}"]);
        return g.Save(path);
    }
}
