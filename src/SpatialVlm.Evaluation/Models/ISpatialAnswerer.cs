using SpatialVlm.Core;

namespace SpatialVlm.Evaluation;

/// <summary>A model that answers one benchmark question about one image in free text.</summary>
public interface ISpatialAnswerer
{
    Task<string> AnswerAsync(BenchmarkItem item, string imagePath, CancellationToken ct);
}

/// <summary>This question could not be answered (after any retries); the run records it as a failed answer and goes on.</summary>
public sealed class AnswerFailedException(string message, int attempts, Exception? inner = null) : Exception(message, inner)
{
    public int Attempts { get; } = attempts;
}

/// <summary>The model cannot answer anything (server unreachable, key refused, unknown model): the run stops with this one line.</summary>
public sealed class ModelUnavailableException(string message, Exception? inner = null) : SpatialVlmException(message, inner);
