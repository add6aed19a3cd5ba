using SpatialVlm.Questions;

namespace SpatialVlm.Evaluation;

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
    public required QuestionType Type { get; init; }
    public QuestionKind Kind => Type.Kind;
    public required string Question { get; init; }
    /// <summary>Caption of object A.</summary>
    public string? A { get; init; }
    /// <summary>Caption of object B.</summary>
    public string? B { get; init; }
    /// <summary>Object A's id in the image's scene or record, when the benchmark records it.</summary>
    public int? AId { get; init; }
    /// <summary>Object B's id, when recorded.</summary>
    public int? BId { get; init; }
    /// <summary>Ground-truth depth of the pair in meters, when the benchmark records it.</summary>
    public double? DepthM { get; init; }
    public bool? ExpectedYes { get; init; }
    public string? ExpectedText { get; init; }
    public double? ExpectedMeters { get; init; }
    /// <summary>1-based line of the benchmark file this item came from.</summary>
    public int Line { get; init; }

    public bool IsQualitative => Type.IsQualitative;

    /// <summary>The question as any answerer takes it: the image, the text, and the objects and type as hints.</summary>
    public AnswerRequest ToRequest() => new(ImagePath, Question)
    {
        A = A is null ? null : new ObjectReference(A, AId),
        B = B is null ? null : new ObjectReference(B, BId),
        Type = Type,
    };

    /// <summary>The relation word a predicate or choice type asks about (<c>left</c> of <c>left-predicate</c>), else null.</summary>
    public string? Relation => Type.Relation?.Word;

    /// <summary>The two relation words a classify type chooses between (<c>left</c>, <c>right</c> of <c>left-right-classify</c>).</summary>
    public (string First, string Second)? ClassifyPair =>
        Kind == QuestionKind.Classify && Type.Pair is { } p ? (p.Positive, p.Negative) : null;
}
