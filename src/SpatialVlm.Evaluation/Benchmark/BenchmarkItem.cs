namespace SpatialVlm.Evaluation;

/// <summary>How an answer is parsed and scored: yes/no, which of two objects, a relation word, or a length.</summary>
public enum AnswerKind { Predicate, Choice, Classify, Quantitative }

/// <summary>
/// One benchmark question (INTERFACES.md "benchmark .jsonl"). The expected answer is held in the field of its
/// kind: <see cref="ExpectedYes"/> for predicates, <see cref="ExpectedText"/> for choices (a caption) and
/// classify (a relation word), <see cref="ExpectedMeters"/> for quantitative questions.
/// </summary>
public sealed record BenchmarkItem
{
    public required string Id { get; init; }
    /// <summary>The image path as written in the benchmark file.</summary>
    public required string Image { get; init; }
    /// <summary>The image path resolved against the benchmark file's folder.</summary>
    public required string ImagePath { get; init; }
    /// <summary>Type id, e.g. <c>left-predicate</c>, <c>left-right-classify</c>, <c>distance</c>.</summary>
    public required string Type { get; init; }
    public required AnswerKind Kind { get; init; }
    public required string Question { get; init; }
    /// <summary>Caption of object A.</summary>
    public string? A { get; init; }
    /// <summary>Caption of object B.</summary>
    public string? B { get; init; }
    /// <summary>Ground-truth depth of the pair in meters, when the benchmark records it.</summary>
    public double? DepthM { get; init; }
    public bool? ExpectedYes { get; init; }
    public string? ExpectedText { get; init; }
    public double? ExpectedMeters { get; init; }
    /// <summary>1-based line of the benchmark file this item came from.</summary>
    public int Line { get; init; }

    public bool IsQualitative => Kind != AnswerKind.Quantitative;

    /// <summary>The relation a predicate or choice type asks about (<c>left</c> of <c>left-predicate</c>), else null.</summary>
    public string? Relation => Kind is AnswerKind.Predicate or AnswerKind.Choice ? Type[..Type.LastIndexOf('-')] : null;

    /// <summary>The two relation words a classify type chooses between (<c>left</c>, <c>right</c> of <c>left-right-classify</c>).</summary>
    public (string First, string Second)? ClassifyPair
    {
        get
        {
            if (Kind != AnswerKind.Classify) return null;
            var parts = Type.Split('-');
            return parts.Length == 3 ? (parts[0], parts[1]) : null;
        }
    }

    /// <summary>Kind implied by a type id's suffix; quantitative when there is none.</summary>
    public static AnswerKind KindOfType(string type) =>
        type.EndsWith("-predicate", StringComparison.Ordinal) ? AnswerKind.Predicate :
        type.EndsWith("-choice", StringComparison.Ordinal) ? AnswerKind.Choice :
        type.EndsWith("-classify", StringComparison.Ordinal) ? AnswerKind.Classify :
        AnswerKind.Quantitative;
}
