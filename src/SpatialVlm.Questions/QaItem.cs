namespace SpatialVlm.Questions;

/// <summary>
/// One question and answer. Value is exactly INTERFACES.md's `value`: bool (predicate: does the relation
/// hold for A against B), int (choice: the chosen object's id), string (classify: the relation word that
/// holds for A against B), double (quantitative: exact meters before human rounding). Single-object types
/// (height, width, elevation) have B = <see cref="NoObject"/>, written as null.
/// </summary>
public sealed record QaItem(QuestionType Type, int A, int B, string Question, string Answer, object Value, bool Uncertain)
{
    public const int NoObject = -1;
}

/// <summary>A question that was not asked, and why (see <see cref="SkipReasons"/>). A or B is
/// <see cref="QaItem.NoObject"/> when the reason concerns the whole type or a single object.</summary>
public sealed record SkippedQuestion(string Type, int A, int B, string Reason);

public static class SkipReasons
{
    public const string NeedsCanonicalization = "needs canonicalization";
    public const string WithinMargin = "within margin";
    public const string SizeUnknown = "size unknown (object cut off or largely hidden)";
    public const string AmbiguousCaption = "ambiguous caption";
    public const string FewerThanTwoObjects = "fewer than two objects";
    public const string NoObjects = "no objects";
    public const string DisabledByOptions = "disabled by options";
    /// <summary>Type of a skip record that concerns an object rather than one question type.</summary>
    public const string AnyType = "*";
}

/// <summary>The QA of one image, what was skipped, and the phrase that named each object.</summary>
public sealed record QuestionSet(IReadOnlyList<QaItem> Items, IReadOnlyList<SkippedQuestion> Skipped, IReadOnlyDictionary<int, string> Names);
