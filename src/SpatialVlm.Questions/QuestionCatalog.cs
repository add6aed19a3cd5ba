using SpatialVlm.Core;

namespace SpatialVlm.Questions;

public enum QuestionKind { Predicate, Choice, Classify, Quantitative }

/// <summary>One of the 43 question types, derived from the relation table or the quantity table.</summary>
public sealed record QuestionType(string Id, QuestionKind Kind, bool NeedsCanonicalization,
    Relation? Relation = null, RelationPair? Pair = null, QuantityDefinition? Quantity = null)
{
    /// <summary>The relation pair that decides this type (predicate, choice, classify), else null.</summary>
    public RelationPair? DecidingPair => Relation?.Pair ?? Pair;
    public bool SingleObject => Quantity?.SingleObject ?? false;
    public bool Symmetric => Quantity?.Symmetric ?? false;
    public bool IsQualitative => Kind != QuestionKind.Quantitative;
    /// <summary>The family as files write it: predicate, choice, classify, quantitative.</summary>
    public string KindName => Kind.ToString().ToLowerInvariant();
    public override string ToString() => Id;
}

/// <summary>Why a question cannot be asked of a pair, or null when it can.</summary>
public enum Eligibility { Askable, WithinMargin, WrongDirection, SizeUnknown }

/// <summary>The exact answer of one type for A against B, and whether it may be asked.</summary>
/// <param name="Value">bool (predicate), chosen object id (choice), relation word (classify), meters (quantitative).</param>
public readonly record struct Assessment(object Value, Eligibility Eligibility);

/// <summary>The 43 types of SPATIAL.md and their exact answers.</summary>
public static class QuestionCatalog
{
    public static readonly IReadOnlyList<QuestionType> All = Build();

    static readonly Dictionary<string, QuestionType> ById = All.ToDictionary(t => t.Id);

    static QuestionType[] Build()
    {
        var types = new List<QuestionType>();
        types.AddRange(Relations.All.Select(r => new QuestionType(r.PredicateType, QuestionKind.Predicate, r.Pair.NeedsCanonicalization, Relation: r)));
        types.AddRange(Relations.All.Select(r => new QuestionType(r.ChoiceType, QuestionKind.Choice, r.Pair.NeedsCanonicalization, Relation: r)));
        types.AddRange(Relations.Pairs.Select(p => new QuestionType(p.ClassifyType, QuestionKind.Classify, p.NeedsCanonicalization, Pair: p)));
        types.AddRange(Quantities.All.Select(q => new QuestionType(q.Type, QuestionKind.Quantitative, q.NeedsCanonicalization, Quantity: q)));
        return types.ToArray();
    }

    public static bool TryGet(string id, out QuestionType type) => ById.TryGetValue(id, out type!);

    public static QuestionType Get(string id) =>
        ById.TryGetValue(id, out var t) ? t : throw new SpatialVlmException($"unknown question type '{id}'");

    /// <summary>
    /// The exact answer for A against B (sign-based for relations, as in the conformance vectors) and whether
    /// the engine may ask it: relations must clear their margin, directional quantities must hold clearly.
    /// </summary>
    /// <param name="gap">the surface gap of A and B, evaluated only for the "gap" type</param>
    public static Assessment Assess(QuestionType type, SpatialObject a, SpatialObject b, MarginPolicy policy, Func<double> gap)
    {
        if (type.Quantity is { } q)
        {
            var value = q.Value(a.Box, b.Box, gap);
            if (q.NeedsSize && !a.SizeKnown) return new(value, Eligibility.SizeUnknown);
            if (q.AskedWhen is not { } when) return new(value, Eligibility.Askable);
            var margin = RelationComparison.Of(when.Relation.Pair, a, b, policy).Margin;
            var signed = when.SignedDifference(a.Box, b.Box);
            return new(value, signed > margin + MarginPolicy.Tolerance ? Eligibility.Askable
                : signed > 0 ? Eligibility.WithinMargin : Eligibility.WrongDirection);
        }
        var cmp = RelationComparison.Of(type.DecidingPair!, a, b, policy);
        var eligibility = type.DecidingPair!.Rule == MarginRule.SizeRatio && !(a.SizeKnown && b.SizeKnown) ? Eligibility.SizeUnknown
            : cmp.ClearsMargin ? Eligibility.Askable : Eligibility.WithinMargin;
        object answer = type.Kind switch
        {
            QuestionKind.Predicate => cmp.Holds(type.Relation!),
            QuestionKind.Choice => cmp.Holds(type.Relation!) ? a.Id : b.Id,
            _ => cmp.Holding.Word,
        };
        return new(answer, eligibility);
    }

    /// <summary>Exact box–box answers with the exact gap (ground truth, conformance).</summary>
    public static object ExactValue(string typeId, SpatialObject a, SpatialObject b, MarginPolicy? policy = null) =>
        Assess(Get(typeId), a, b, policy ?? new MarginPolicy(), () => BoxGap.Between(a.Box, b.Box)).Value;
}
