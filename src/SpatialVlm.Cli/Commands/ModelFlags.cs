using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Evaluation.Gguf;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// The flags that say how a model SPEC runs, shared by `eval` and `ask`, and the answerer factory they configure:
/// openai (built in), gguf (local llama.cpp), plus whatever the command tree registers (oracle, checkpoint).
/// </summary>
internal sealed class ModelFlags
{
    public const string SpecHelp = "model SPEC: oracle, checkpoint:PATH (a `train` run folder or checkpoint), openai:BASE_URL#MODEL (key from OPENAI_API_KEY), gguf:MODEL.gguf+MMPROJ.gguf";

    public Option<double> Timeout { get; } = new("--timeout") { Description = "openai: seconds per request before it is retried", DefaultValueFactory = _ => 120 };
    public Option<int> Retries { get; } = new("--retries") { Description = "openai: retries per question on 429, 5xx and timeouts (doubling backoff from 1 s)", DefaultValueFactory = _ => 4 };
    public Option<string?> System { get; } = new("--system") { Description = "system message sent before each question (openai, gguf; default none: the question alone)" };
    public Option<int> MaxTokens { get; } = new("--max-tokens") { Description = "most tokens per answer (openai max_tokens; gguf generation limit)", DefaultValueFactory = _ => 256 };
    public Option<uint> ContextSize { get; } = new("--context-size") { Description = "gguf: context window in tokens (image tokens + question + answer)", DefaultValueFactory = _ => 4096 };
    public Option<int> Threads { get; } = new("--threads") { Description = "gguf: CPU threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
    public Option<string> PromptFormat { get; } = new("--prompt-format")
    {
        Description = "gguf: auto (the model's chat template, else LLaVA's USER:/ASSISTANT:), template, or llava",
        DefaultValueFactory = _ => GgufPrompt.Auto,
    };

    public IEnumerable<Option> All => [Timeout, Retries, System, MaxTokens, ContextSize, Threads, PromptFormat];

    public OpenAiChatOptions OpenAi(ParseResult parse)
    {
        var seconds = parse.GetValue(Timeout);
        if (!(seconds > 0) || !double.IsFinite(seconds)) throw new SpatialVlmException($"--timeout must be a positive number of seconds, not {seconds}");
        if (parse.GetValue(Retries) < 0) throw new SpatialVlmException("--retries must be 0 or more");
        return new OpenAiChatOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(seconds),
            MaxRetries = parse.GetValue(Retries),
            ApiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY"),
            SystemPrompt = parse.GetValue(System),
            MaxTokens = CheckedMaxTokens(parse),
        };
    }

    public GgufVlmOptions Gguf(ParseResult parse)
    {
        if (parse.GetValue(Threads) < 1) throw new SpatialVlmException("--threads must be at least 1");
        if (parse.GetValue(ContextSize) < 16) throw new SpatialVlmException("--context-size must be at least 16 tokens");
        return new GgufVlmOptions
        {
            ContextSize = parse.GetValue(ContextSize),
            Threads = parse.GetValue(Threads),
            MaxTokens = CheckedMaxTokens(parse),
            SystemPrompt = parse.GetValue(System),
            PromptFormat = parse.GetValue(PromptFormat) ?? GgufPrompt.Auto,
        };
    }

    /// <summary>Everything besides the SPEC that changes answers, folded into answer-cache keys.</summary>
    public string CacheScope(ParseResult parse, ModelSpec spec) =>
        $"system={parse.GetValue(System)}\nmax_tokens={parse.GetValue(MaxTokens)}" +
        (spec.Scheme == "gguf" ? $"\nprompt_format={parse.GetValue(PromptFormat)}\ncontext={parse.GetValue(ContextSize)}" : "");

    /// <param name="register">Adds answerers the command tree provides (oracle, checkpoint).</param>
    public AnswererFactory Factory(ParseResult parse, Action<AnswererFactory, OpenAiChatOptions>? register)
    {
        var openAi = OpenAi(parse);
        var factory = new AnswererFactory(openAi);
        factory.Register("gguf", spec => GgufVlmAnswerer.Load(spec, Gguf(parse)));
        register?.Invoke(factory, openAi);
        return factory;
    }

    private int CheckedMaxTokens(ParseResult parse) =>
        parse.GetValue(MaxTokens) is var n && n >= 1 ? n : throw new SpatialVlmException("--max-tokens must be at least 1");
}
