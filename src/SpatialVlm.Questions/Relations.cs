using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>What a relation compares.</summary>
public enum RelationMeasure { Lateral, Forward, CenterHeight, Height, Width, Volume }

/// <summary>How a relation decides that a difference is clear enough to ask about.</summary>
public enum MarginRule
{
    /// <summary>|Δ| > max(min, share × larger extent of the two along the axis) × margin scale.</summary>
    Positional,
    /// <summary>larger ≥ (1 + share × margin scale) × smaller.</summary>
    SizeRatio,
}

/// <summary>
/// One definition per relation pair (left/right, above/below, ...): the measure compared, the margin rule,
/// and whether it needs the canonical frame. The positive word holds when measure(A) − measure(B) is
/// positive and clears the margin; the negative word when it is negative. Predicate, choice and classify
/// types are all derived from this table.
/// </summary>
/// <param name="Positive">e.g. "left"</param>
/// <param name="Negative">e.g. "right"</param>
/// <param name="PositivePhrase">how an answer relates A to B, e.g. "to the left of"</param>
/// <param name="NegativePhrase">e.g. "to the right of"</param>
public sealed record RelationPair(
    string Positive, string Negative, string PositivePhrase, string NegativePhrase,
    RelationMeasure Measure, MarginRule Rule, bool NeedsCanonicalization)
{
    /// <summary>Type id of the classify question, e.g. "left-right-classify".</summary>
    public string ClassifyType => $"{Positive}-{Negative}-classify";

    public Relation PositiveRelation => new(this, +1);
    public Relation NegativeRelation => new(this, -1);

    /// <summary>The viewer axis whose extents set a positional margin.</summary>
    public ViewerAxis Axis => Measure switch
    {
        RelationMeasure.Lateral => ViewerAxis.Left,
        RelationMeasure.Forward => ViewerAxis.Forward,
        _ => ViewerAxis.Up,
    };

    public double MeasureOf(UprightBox box) => Measure switch
    {
        RelationMeasure.Lateral => box.Center.Y,
        RelationMeasure.Forward => box.Center.X,
        RelationMeasure.CenterHeight => box.Center.Z,
        RelationMeasure.Height => box.Height,
        RelationMeasure.Width => box.Width,
        _ => box.Volume,
    };
}

/// <summary>A relation with its sign: left = (left-right, +1), right = (left-right, −1).</summary>
public sealed record Relation(RelationPair Pair, int Sign)
{
    public string Word => Sign > 0 ? Pair.Positive : Pair.Negative;
    public string Phrase => Sign > 0 ? Pair.PositivePhrase : Pair.NegativePhrase;
    public string PredicateType => $"{Word}-predicate";
    public string ChoiceType => $"{Word}-choice";
}

/// <summary>The relation table of SPATIAL.md.</summary>
public static class Relations
{
    public static readonly IReadOnlyList<RelationPair> Pairs =
    [
        new("left", "right", "to the left of", "to the right of", RelationMeasure.Lateral, MarginRule.Positional, false),
        new("above", "below", "above", "below", RelationMeasure.CenterHeight, MarginRule.Positional, true),
        // behind = farther from the viewer = larger forward coordinate.
        new("behind", "front", "behind", "in front of", RelationMeasure.Forward, MarginRule.Positional, false),
        new("tall", "short", "taller than", "shorter than", RelationMeasure.Height, MarginRule.SizeRatio, true),
        new("wide", "thin", "wider than", "thinner than", RelationMeasure.Width, MarginRule.SizeRatio, false),
        new("big", "small", "bigger than", "smaller than", RelationMeasure.Volume, MarginRule.SizeRatio, true),
    ];

    /// <summary>The twelve signed relations, in SPATIAL.md order.</summary>
    public static readonly IReadOnlyList<Relation> All =
        Pairs.SelectMany(p => new[] { p.PositiveRelation, p.NegativeRelation }).ToArray();

    public static Relation ByWord(string word) =>
        All.FirstOrDefault(r => r.Word == word) ?? throw new SpatialVlmException($"unknown relation '{word}'");
}
