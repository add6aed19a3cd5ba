namespace SpatialVlm.Tests.Gguf;

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

    /// <summary>The llama hyperparameters and the SentencePiece vocabulary every tiny model shares.</summary>
    private static GgufWriter Header(List<string> tokens, List<float> scores, List<int> types)
    {
        int vocab = tokens.Count;
        return new GgufWriter()
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
    }

    /// <summary>
    /// A model whose greedy output is <paramref name="pieces"/> (vocabulary pieces, e.g. "[", "A", ..., "\u2581no") and
    /// then &lt;/s&gt;, whatever the prompt, as long as the prompt does not end in one of them: attention and feed-forward
    /// weights are zero, so each position sees only its own token; token embeddings are one-hot (dimension i for the
    /// i-th piece, the last dimension for every other token); the output matrix maps the last dimension to the first
    /// piece, dimension i to piece i+1, and the last piece's dimension to &lt;/s&gt;: a chain of bigrams.
    /// </summary>
    public static string WriteParrot(string path, IReadOnlyList<string> pieces)
    {
        var (tokens, scores, types) = Vocabulary();
        int vocab = tokens.Count, other = Embedding - 1;
        if (pieces.Count == 0 || pieces.Count > other || pieces.Distinct().Count() != pieces.Count)
            throw new ArgumentException($"between 1 and {other} distinct pieces");
        var ids = pieces.Select(p => tokens.IndexOf(p) is >= 0 and var id ? id : throw new ArgumentException($"'{p}' is not in the vocabulary")).ToArray();
        var g = Header(tokens, scores, types).Add("tokenizer.chat_template", ChatMlTemplate);
        var embedding = new float[Embedding * vocab];
        for (int t = 0; t < vocab; t++) embedding[t * Embedding + other] = 1;
        var output = new float[Embedding * vocab];
        output[ids[0] * Embedding + other] = 10;
        for (int i = 0; i < ids.Length; i++)
        {
            embedding[ids[i] * Embedding + other] = 0;
            embedding[ids[i] * Embedding + i] = 1;
            output[(i + 1 < ids.Length ? ids[i + 1] : Eos) * Embedding + i] = 10;
        }
        float[] Zeros(long n) => new float[n];
        float[] Ones(long n) => Enumerable.Repeat(1f, (int)n).ToArray();
        g.Tensor("token_embd.weight", embedding, Embedding, vocab)
         .Tensor("output_norm.weight", Ones(Embedding), Embedding)
         .Tensor("output.weight", output, Embedding, vocab);
        int kv = HeadDim * KvHeads;
        for (int i = 0; i < Layers; i++)
            g.Tensor($"blk.{i}.attn_norm.weight", Ones(Embedding), Embedding)
             .Tensor($"blk.{i}.attn_q.weight", Zeros(Embedding * Embedding), Embedding, Embedding)
             .Tensor($"blk.{i}.attn_k.weight", Zeros(Embedding * kv), Embedding, kv)
             .Tensor($"blk.{i}.attn_v.weight", Zeros(Embedding * kv), Embedding, kv)
             .Tensor($"blk.{i}.attn_output.weight", Zeros(Embedding * Embedding), Embedding, Embedding)
             .Tensor($"blk.{i}.ffn_norm.weight", Ones(Embedding), Embedding)
             .Tensor($"blk.{i}.ffn_gate.weight", Zeros(Embedding * FeedForward), Embedding, FeedForward)
             .Tensor($"blk.{i}.ffn_up.weight", Zeros(Embedding * FeedForward), Embedding, FeedForward)
             .Tensor($"blk.{i}.ffn_down.weight", Zeros(FeedForward * Embedding), FeedForward, Embedding);
        g.Save(path);
        return path;
    }

    /// <summary>The vocabulary pieces that spell <paramref name="text"/> one character at a time (a space joins the next character as '\u2581' + it when that is a piece).</summary>
    public static IReadOnlyList<string> Pieces(string text)
    {
        var known = Vocabulary().Tokens.ToHashSet();
        var pieces = new List<string>();
        var words = text.Split(' ');
        for (int w = 0; w < words.Length; w++)
        {
            var word = words[w];
            if (w > 0 && known.Contains("\u2581" + word)) { pieces.Add("\u2581" + word); continue; }
            if (w > 0) pieces.Add("\u2581");
            pieces.AddRange(word.Select(c => c.ToString()));
        }
        return pieces;
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

        var g = Header(tokens, scores, types);
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
