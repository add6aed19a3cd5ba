using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// How objects sharing a caption are told apart. Up to MaxSharingCaption objects with one caption get a
/// distinguishing clause from their position: two → "on the left" / "on the right" when their lateral
/// separation clears the left-right margin, else (when UseDepthClause) "nearer" / "farther" when their
/// forward separation clears the behind-front margin; three → "on the left" / "in the middle" /
/// "on the right" when each neighbour pair clears the lateral margin. Groups that cannot be told apart,
/// or are larger, are dropped from questions. Default: <see cref="AmbiguityLimit.DefaultMaxSharingCaption"/> (two).
/// </summary>
public sealed record AmbiguityOptions(int MaxSharingCaption = AmbiguityLimit.DefaultMaxSharingCaption, bool UseDepthClause = true);

/// <summary>The phrases that name objects in questions and answers ("the red mug").</summary>
public static class ReferringExpressions
{
    /// <summary>Names every object it can; the rest are returned in <paramref name="dropped"/>.</summary>
    public static Dictionary<int, string> Resolve(IReadOnlyList<SpatialObject> objects, AmbiguityOptions options, MarginPolicy policy, List<int> dropped)
    {
        var names = new Dictionary<int, string>();
        foreach (var group in objects.GroupBy(o => CaptionText.WithoutLeadingArticle(o.Caption)))
        {
            var members = group.ToList();
            if (members.Count == 1) { names[members[0].Id] = $"the {group.Key}"; continue; }
            var clauses = members.Count <= options.MaxSharingCaption ? Distinguish(members, options, policy) : null;
            if (clauses == null) { dropped.AddRange(members.Select(m => m.Id)); continue; }
            foreach (var (obj, name) in clauses) names[obj.Id] = name.Replace("{C}", group.Key);
        }
        return names;
    }

    static List<(SpatialObject, string)>? Distinguish(List<SpatialObject> members, AmbiguityOptions options, MarginPolicy policy)
    {
        var lateral = Relations.ByWord("left").Pair;
        var depth = Relations.ByWord("behind").Pair;
        // Sorted from the viewer's left (+y) to the right.
        var byLeft = members.OrderByDescending(m => m.Box.Center.Y).ToList();
        bool LateralClear(SpatialObject a, SpatialObject b) => RelationComparison.Of(lateral, a, b, policy).ClearsMargin;
        if (members.Count == 2)
        {
            if (LateralClear(byLeft[0], byLeft[1])) return [(byLeft[0], "the {C} on the left"), (byLeft[1], "the {C} on the right")];
            var near = members.OrderBy(m => m.Box.Center.X).ToList();
            if (options.UseDepthClause && RelationComparison.Of(depth, near[0], near[1], policy).ClearsMargin)
                return [(near[0], "the nearer {C}"), (near[1], "the farther {C}")];
            return null;
        }
        if (members.Count == 3 && LateralClear(byLeft[0], byLeft[1]) && LateralClear(byLeft[1], byLeft[2]))
            return [(byLeft[0], "the {C} on the left"), (byLeft[1], "the {C} in the middle"), (byLeft[2], "the {C} on the right")];
        return null;
    }
}
