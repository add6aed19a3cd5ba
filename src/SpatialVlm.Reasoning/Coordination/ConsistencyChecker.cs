using SpatialVlm.Core;
using System.Globalization;

namespace SpatialVlm.Reasoning;

/// <summary>How much disagreement the contradiction checks tolerate (answers are estimates, not exact).</summary>
/// <param name="RepeatShare">One distance answered twice: a contradiction when the two differ by more than this share of the larger.</param>
/// <param name="TriangleSlackM">A triangle inequality may be broken by this many meters ...</param>
/// <param name="TriangleSlackShare">... plus this share of the longest side, before it counts.</param>
public sealed record ConsistencyOptions(double RepeatShare = 0.25, double TriangleSlackM = 0.05, double TriangleSlackShare = 0.05);

/// <summary>
/// Collects the facts a run's answers state (centre distances between named objects; directional predicates) and
/// reports answers that cannot all hold: a distance answered two ways, three distances breaking the triangle
/// inequality, A left of B and B left of A (any relation and its own mirror both answered yes).
/// </summary>
public sealed class ConsistencyChecker(ConsistencyOptions options)
{
    private readonly Dictionary<(string, string), double> distances = [];
    private readonly HashSet<(string Relation, string A, string B)> holds = [];

    /// <summary>Adds one answered sub-question and returns the contradictions it creates (one line each).</summary>
    public IReadOnlyList<string> Add(SubQuestion q, double? meters, bool? yes)
    {
        if (q.Type is not { } type || q.A is null) return [];
        var a = Name(q.A);
        var b = q.B is null ? null : Name(q.B);
        var found = new List<string>();
        if (type.Id == "distance" && b != null && meters is { } d && a != b)
        {
            var key = Pair(a, b);
            if (distances.TryGetValue(key, out var before) && Math.Abs(before - d) > options.RepeatShare * Math.Max(before, d))
                found.Add($"the distance between {a} and {b} was {M(before)}, now {M(d)}");
            distances[key] = d;
            foreach (var c in distances.Keys.SelectMany(k => new[] { k.Item1, k.Item2 }).Distinct().Where(c => c != a && c != b).ToList())
            {
                if (!distances.TryGetValue(Pair(a, c), out var ac) || !distances.TryGetValue(Pair(c, b), out var cb)) continue;
                double[] sides = [d, ac, cb];
                var longest = sides.Max();
                var slack = options.TriangleSlackM + options.TriangleSlackShare * longest;
                if (longest > sides.Sum() - longest + slack)
                    found.Add($"{a}–{b} {M(d)}, {a}–{c} {M(ac)} and {c}–{b} {M(cb)} break the triangle inequality");
            }
        }
        if (type.Kind == QuestionKind.Predicate && type.Relation is { } relation && b != null && yes == true)
        {
            holds.Add((relation.Word, a, b));
            if (holds.Contains((relation.Word, b, a)))
                found.Add($"{a} is {relation.Word} of {b} and {b} is {relation.Word} of {a}");
            var opposite = relation.Sign > 0 ? relation.Pair.NegativeRelation : relation.Pair.PositiveRelation;
            if (holds.Contains((opposite.Word, a, b)))
                found.Add($"{a} was said to be both {relation.Word} and {opposite.Word} of {b}");
        }
        return found;
    }

    private static string Name(ObjectReference r) => r.Id is { } id ? $"{CaptionText.WithoutLeadingArticle(r.Phrase)} (#{id})" : CaptionText.WithoutLeadingArticle(r.Phrase);
    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
    private static string M(double m) => string.Create(CultureInfo.InvariantCulture, $"{m:0.##} m");
}
