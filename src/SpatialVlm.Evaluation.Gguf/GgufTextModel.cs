using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Exceptions;
using LLama.Native;
using LLama.Sampling;
using SpatialVlm.Contracts.Chat;
using SpatialVlm.Core;

namespace SpatialVlm.Evaluation.Gguf;

/// <summary>What one generation took: prompt tokens evaluated, tokens generated, and the time of each phase.</summary>
public sealed record GenerationStats(int PromptTokens, int GeneratedTokens, TimeSpan PromptTime, TimeSpan GenerationTime)
{
    /// <summary>Of <see cref="PromptTokens"/>, how many the projector made from the image (0 for text-only prompts).</summary>
    public int ImageTokens { get; init; }

    public double TokensPerSecond => GenerationTime > TimeSpan.Zero ? GeneratedTokens / GenerationTime.TotalSeconds : 0;
}

/// <summary>A generated text and what it took.</summary>
public sealed record Generation(string Text, GenerationStats Stats);

/// <summary>
/// One llama.cpp language model loaded from a GGUF file with one context (KV cache) for sequence 0. Generation is
/// greedy (the most likely token every step), so the same prompt always gives the same text. Not thread-safe:
/// callers run one generation at a time.
/// </summary>
public sealed class GgufTextModel : IDisposable
{
    private readonly GgufVlmOptions options;

    public LLamaWeights Weights { get; }
    public LLamaContext Context { get; }
    public string Path { get; }

    private GgufTextModel(string path, LLamaWeights weights, LLamaContext context, GgufVlmOptions options)
    {
        Path = path;
        Weights = weights;
        Context = context;
        this.options = options;
    }

    /// <summary>Checks the file, loads the weights and creates the context; every failure is one line.</summary>
    public static GgufTextModel Load(string path, GgufVlmOptions options)
    {
        if (options.ContextSize < 16) throw new SpatialVlmException($"gguf: context size must be at least 16 tokens, not {options.ContextSize}");
        if (options.Threads < 1) throw new SpatialVlmException($"gguf: threads must be at least 1, not {options.Threads}");
        if (options.MaxTokens < 1) throw new SpatialVlmException($"gguf: max tokens must be at least 1, not {options.MaxTokens}");
        GgufFileCheck.Require(path, "model");
        LlamaRuntime.EnsureLoaded();
        var parameters = new ModelParams(System.IO.Path.GetFullPath(path))
        {
            ContextSize = options.ContextSize,
            GpuLayerCount = 0,
            Threads = options.Threads,
            BatchThreads = options.Threads,
            BatchSize = Math.Min(512u, options.ContextSize),
            UBatchSize = Math.Min(512u, options.ContextSize),
        };
        LlamaRuntime.ClearNativeLog();
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(parameters);
        }
        catch (Exception e) when (e is RuntimeError or InvalidOperationException or ArgumentException)
        {
            throw new SpatialVlmException($"gguf model {path}: llama.cpp could not load it ({NativeReason(e)})", e);
        }
        try
        {
            var context = weights.CreateContext(parameters);
            return new GgufTextModel(path, weights, context, options);
        }
        catch (Exception e) when (e is RuntimeError or InvalidOperationException or ArgumentException)
        {
            weights.Dispose();
            throw new SpatialVlmException($"gguf model {path}: llama.cpp could not create a {options.ContextSize}-token context ({NativeReason(e)})", e);
        }
    }

    /// <summary>llama.cpp's last logged error, else the exception's first line.</summary>
    internal static string NativeReason(Exception e) => LlamaRuntime.LastNativeError() ?? e.Message.Split('\n')[0];

    /// <summary>The model's chat template (GGUF key tokenizer.chat_template), when it has one.</summary>
    public bool HasChatTemplate => Weights.Metadata.ContainsKey("tokenizer.chat_template");

    /// <summary>
    /// Whether llama.cpp can apply the model's chat template. It does not run Jinja: it recognises known templates by
    /// their markers, and a template it does not recognise cannot be applied at all.
    /// </summary>
    public bool CanApplyChatTemplate()
    {
        if (!HasChatTemplate) return false;
        try
        {
            ApplyChatTemplate(null, "probe");
            return true;
        }
        catch (MissingTemplateException)
        {
            return false;
        }
    }

    /// <summary>Renders an optional system message and a user message with the model's template, an assistant turn opened.</summary>
    public string ApplyChatTemplate(string? system, string user) =>
        ApplyChatTemplate(system is { Length: > 0 } ? [new(TextChatMessage.System, system), new(TextChatMessage.User, user)] : [new(TextChatMessage.User, user)]);

    /// <summary>Renders a whole conversation with the model's template, an assistant turn opened.</summary>
    public string ApplyChatTemplate(IReadOnlyList<TextChatMessage> messages)
    {
        var template = new LLamaTemplate(Weights, strict: true) { AddAssistant = true };
        foreach (var m in messages) template.Add(m.Role, m.Content);
        return Encoding.UTF8.GetString(template.Apply());
    }

    /// <summary>Empties the KV cache before a new, unrelated prompt.</summary>
    public void Reset() => Context.NativeHandle.MemoryClear(true);

    /// <summary>
    /// Text-only completion: a fresh cache, the prompt (special tokens parsed), then greedy generation, which also
    /// stops once the text contains one of <paramref name="stop"/> (the text is cut before it).
    /// </summary>
    public Generation Complete(string prompt, int? maxTokens = null, CancellationToken ct = default, IReadOnlyList<string>? stop = null)
    {
        Reset();
        var watch = Stopwatch.StartNew();
        var tokens = Context.Tokenize(prompt, addBos: Weights.Vocab.ShouldAddBOS, special: true);
        if (tokens.Length == 0) throw new AnswerFailedException("gguf: the prompt tokenized to nothing", 1);
        if (tokens.Length >= Context.ContextSize)
            throw new AnswerFailedException($"gguf: the prompt has {tokens.Length} tokens, the context holds {Context.ContextSize} (raise --context-size)", 1);
        var batch = new LLamaBatch();
        var step = (int)Context.BatchSize;
        for (int start = 0; start < tokens.Length; start += step)
        {
            var piece = tokens.AsSpan(start, Math.Min(step, tokens.Length - start));
            batch.Clear();
            batch.AddRange(piece, start, LLamaSeqId.Zero, logitsLast: start + piece.Length == tokens.Length);
            var result = Context.NativeHandle.Decode(batch);
            if (result != DecodeResult.Ok) throw new AnswerFailedException($"gguf: evaluating the prompt failed ({result})", 1);
        }
        return GenerateFrom(tokens.Length, tokens.Length, watch.Elapsed, maxTokens, ct, stop);
    }

    /// <summary>
    /// Greedy generation after a prompt whose last logits are ready (sequence 0, <paramref name="nPast"/> positions
    /// used): stops at an end-of-generation token, at the token limit, or when the context is full.
    /// </summary>
    public Generation GenerateFrom(int nPast, int promptTokens, TimeSpan promptTime, int? maxTokens, CancellationToken ct, IReadOnlyList<string>? stop = null)
    {
        var limit = maxTokens ?? options.MaxTokens;
        var watch = Stopwatch.StartNew();
        using var sampler = new GreedySamplingPipeline();
        var decoder = new StreamingTokenDecoder(Context);
        var batch = new LLamaBatch();
        var vocab = Weights.Vocab;
        var text = new StringBuilder();
        int generated = 0;
        while (generated < limit && nPast < Context.ContextSize)
        {
            ct.ThrowIfCancellationRequested();
            var token = sampler.Sample(Context.NativeHandle, -1);
            if (token.IsEndOfGeneration(vocab)) break;
            sampler.Accept(token);
            decoder.Add(token);
            generated++;
            text.Append(decoder.Read());
            if (stop is { Count: > 0 } && StopAt(text, stop) is { } cut) return new Generation(text.ToString(0, cut), new GenerationStats(promptTokens, generated, promptTime, watch.Elapsed));
            batch.Clear();
            batch.Add(token, nPast++, LLamaSeqId.Zero, true);
            var result = Context.NativeHandle.Decode(batch);
            if (result != DecodeResult.Ok) throw new AnswerFailedException($"gguf: decoding failed after {generated} tokens ({result})", 1);
        }
        text.Append(decoder.Read());
        return new Generation(text.ToString(), new GenerationStats(promptTokens, generated, promptTime, watch.Elapsed));
    }

    /// <summary>Where the first stop text begins in <paramref name="text"/>, if any does.</summary>
    private static int? StopAt(StringBuilder text, IReadOnlyList<string> stop)
    {
        var s = text.ToString();
        int? first = null;
        foreach (var x in stop)
            if (x.Length > 0 && s.IndexOf(x, StringComparison.Ordinal) is >= 0 and var at && (first == null || at < first)) first = at;
        return first;
    }

    public void Dispose()
    {
        Context.Dispose();
        Weights.Dispose();
    }
}
