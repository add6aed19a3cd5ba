namespace SpatialVlm.Evaluation.Gguf.Tests;

/// <summary>
/// A real llama-architecture GGUF model of a few hundred kilobytes: a SentencePiece ('llama') vocabulary with
/// byte fallback and ChatML control tokens, a ChatML chat template, and seeded random f32 weights. It writes
/// nonsense, but llama.cpp loads, tokenizes, templates and runs it like any llama model.
/// </summary>
internal static class TinyLlama
{
    public const int Embedding = 32, Layers = 2, FeedForward = 64, Heads = 4, KvHeads = 2, HeadDim = Embedding / Heads;
    public const int Unk = 0, Bos = 1, Eos = 2, ImStart = 3, ImEnd = 4;

    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    /// <summary>The vocabulary: specials, the 256 byte tokens, '▁' and printable characters, and '▁'-words.</summary>
    public static (List<string> Tokens, List<float> Scores, List<int> Types) Vocabulary()
    {
        var tokens = new List<string> { "<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>" };
        var types = new List<int> { 2, 3, 3, 3, 3 };
        for (int b = 0; b < 256; b++) { tokens.Add($"<0x{b:X2}>"); types.Add(6); }
        var pieces = new List<string> { "\u2581" };
        for (char c = '!'; c <= '~'; c++) pieces.Add(c.ToString());
        foreach (var word in new[] { "yes", "no", "the", "is", "left", "right", "meters", "cm", "mug", "box" })
            pieces.Add("\u2581" + word);
        foreach (var p in pieces) { tokens.Add(p); types.Add(1); }
        // SentencePiece merges prefer higher scores: longer pieces score higher.
        var scores = tokens.Select((t, i) => types[i] == 1 ? -100f + t.Length : 0f).ToList();
        return (tokens, scores, types);
    }

    /// <summary>
    /// Writes the model. <paramref name="stopAtOnce"/> makes the first generated token an end-of-generation one;
    /// <paramref name="template"/> replaces the ChatML chat template (when <paramref name="withTemplate"/>).
    /// </summary>
    public static string Write(string path, int seed = 7, bool withTemplate = true, bool stopAtOnce = false, string template = ChatMlTemplate)
    {
        var (tokens, scores, types) = Vocabulary();
        int vocab = tokens.Count;
        var rng = new Random(seed);
        float[] Rand(long n, float scale) => Enumerable.Range(0, (int)n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        float[] Ones(long n) => Enumerable.Repeat(1f, (int)n).ToArray();

        var g = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("general.name", "tiny-test-llama")
            .Add("llama.context_length", 512u)
            .Add("llama.embedding_length", (uint)Embedding)
            .Add("llama.block_count", (uint)Layers)
            .Add("llama.feed_forward_length", (uint)FeedForward)
            .Add("llama.attention.head_count", (uint)Heads)
            .Add("llama.attention.head_count_kv", (uint)KvHeads)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.dimension_count", (uint)HeadDim)
            .Add("llama.vocab_size", (uint)vocab)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", scores)
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.unknown_token_id", (uint)Unk)
            .Add("tokenizer.ggml.bos_token_id", (uint)Bos)
            .Add("tokenizer.ggml.eos_token_id", (uint)Eos)
            .Add("tokenizer.ggml.add_bos_token", true)
            .Add("tokenizer.ggml.add_eos_token", false);
        if (withTemplate) g.Add("tokenizer.chat_template", template);

        g.Tensor("token_embd.weight", Rand((long)Embedding * vocab, 1f), Embedding, vocab);
        var outputNorm = Ones(Embedding);
        var output = Rand((long)Embedding * vocab, 1f);
        // End-of-generation rows at zero: a random logit row always has a larger entry, so generation runs to the limit.
        foreach (var t in new[] { Unk, Bos, Eos, ImStart, ImEnd }) Array.Clear(output, t * Embedding, Embedding);
        if (stopAtOnce)
        {
            // Only dimension 0 survives the final norm; </s> and <|im_end|> (both end generation) take its two signs.
            Array.Clear(outputNorm);
            outputNorm[0] = 1;
            Array.Clear(output);
            output[Eos * Embedding] = 100;
            output[ImEnd * Embedding] = -100;
        }
        g.Tensor("output_norm.weight", outputNorm, Embedding);
        g.Tensor("output.weight", output, Embedding, vocab);
        int kv = HeadDim * KvHeads;
        for (int i = 0; i < Layers; i++)
        {
            g.Tensor($"blk.{i}.attn_norm.weight", Ones(Embedding), Embedding)
             .Tensor($"blk.{i}.attn_q.weight", Rand(Embedding * Embedding, 0.3f), Embedding, Embedding)
             .Tensor($"blk.{i}.attn_k.weight", Rand(Embedding * kv, 0.3f), Embedding, kv)
             .Tensor($"blk.{i}.attn_v.weight", Rand(Embedding * kv, 0.3f), Embedding, kv)
             .Tensor($"blk.{i}.attn_output.weight", Rand(Embedding * Embedding, 0.3f), Embedding, Embedding)
             .Tensor($"blk.{i}.ffn_norm.weight", Ones(Embedding), Embedding)
             .Tensor($"blk.{i}.ffn_gate.weight", Rand(Embedding * FeedForward, 0.3f), Embedding, FeedForward)
             .Tensor($"blk.{i}.ffn_up.weight", Rand(Embedding * FeedForward, 0.3f), Embedding, FeedForward)
             .Tensor($"blk.{i}.ffn_down.weight", Rand(FeedForward * Embedding, 0.3f), FeedForward, Embedding);
        }
        g.Save(path);
        return path;
    }
}
