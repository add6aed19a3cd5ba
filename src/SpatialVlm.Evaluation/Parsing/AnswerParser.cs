using System.Globalization;

namespace SpatialVlm.Evaluation;

/// <summary>What an answer was read as: exactly one field is set for a parsed answer, none for an unparsed one.</summary>
public sealed record ParsedAnswer(QuestionKind Kind, bool? Yes = null, string? Text = null, double? Meters = null)
{
    public bool IsParsed => Yes.HasValue || Text != null || Meters.HasValue;

    public static ParsedAnswer None(QuestionKind kind) => new(kind);

    public override string ToString() =>
        Yes is { } y ? (y ? "yes" : "no") :
        Text ?? (Meters is { } m ? m.ToString("0.###", CultureInfo.InvariantCulture) + " m" : "(unparsed)");
}

/// <summary>Reads a model's free-text answer to a benchmark item, by the item's kind (SPATIAL.md "Evaluation metrics").</summary>
public static class AnswerParser
{
    public static ParsedAnswer Parse(BenchmarkItem item, string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer)) return ParsedAnswer.None(item.Kind);
        return item.Kind switch
        {
            QuestionKind.Predicate => new(item.Kind, Yes: YesNoParser.Parse(answer, Known(item.Relation), item.A, item.B)),
            QuestionKind.Choice => new(item.Kind, Text: item.A != null && item.B != null ? ChoiceParser.Parse(answer, item.A, item.B, Known(item.Relation)) : null),
            QuestionKind.Classify => new(item.Kind, Text: item.ClassifyPair is var (f, s) && RelationWords.IsRelation(f) && RelationWords.IsRelation(s)
                ? RelationParser.Parse(answer, f, s, item.A, item.B) : null),
            _ => new(item.Kind, Meters: LengthParser.ParseMeters(answer)),
        };
    }

    private static string? Known(string? relation) => relation != null && RelationWords.IsRelation(relation) ? relation : null;
}
