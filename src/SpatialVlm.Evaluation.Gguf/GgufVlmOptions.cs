namespace SpatialVlm.Evaluation.Gguf;

/// <summary>How a local GGUF vision-language model is run (llama.cpp through LLamaSharp, CPU).</summary>
public sealed record GgufVlmOptions
{
    /// <summary>Context window in tokens; must hold the image tokens, the question and the answer (default 4096).</summary>
    public uint ContextSize { get; init; } = 4096;
    /// <summary>CPU threads for generation and prompt/image evaluation (default: all cores).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Most tokens generated per answer (default 256).</summary>
    public int MaxTokens { get; init; } = 256;
    /// <summary>Optional system message before each question (default none: the question alone).</summary>
    public string? SystemPrompt { get; init; }
    /// <summary>
    /// Prompt format: <c>auto</c> (the model's own chat template when it has one, else <c>llava</c>), <c>template</c>
    /// (the model's template, an error when it has none), or <c>llava</c> ("USER: &lt;image&gt;\nquestion ASSISTANT:", the
    /// LLaVA-1.5 format of SpaceLLaVA, whose GGUF carries no template). Default <c>auto</c>.
    /// </summary>
    public string PromptFormat { get; init; } = "auto";
    /// <summary>Print llama.cpp's own log lines to stderr (default false: only its errors reach our messages).</summary>
    public bool NativeLog { get; init; }
}
