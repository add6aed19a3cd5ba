namespace SpatialVlm.Evaluation;

/// <summary>How the OpenAI-compatible client talks to a chat-completions server.</summary>
public sealed record OpenAiChatOptions
{
    /// <summary>Per-request limit, covering connect, upload and the whole answer (default 120 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>Retries after the first attempt for 429, 5xx, timeouts and dropped connections (default 4).</summary>
    public int MaxRetries { get; init; } = 4;
    /// <summary>Wait before the first retry, doubled each time (default 1 s); a Retry-After header replaces it.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest wait between attempts, Retry-After included (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>max_tokens of each request (default 256).</summary>
    public int MaxTokens { get; init; } = 256;
    /// <summary>Sampling temperature (default 0: the most likely answer).</summary>
    public double Temperature { get; init; }
    /// <summary>Bearer token; null sends none. The CLI fills it from OPENAI_API_KEY.</summary>
    public string? ApiKey { get; init; }
    /// <summary>Largest reply body read (default 8 MiB); a larger reply fails that question.</summary>
    public long MaxResponseBytes { get; init; } = 8L << 20;
    /// <summary>Optional system message sent before each question (default none: the benchmark question alone).</summary>
    public string? SystemPrompt { get; init; }
}
