using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>A relation of SPATIAL.md, its opposite, and the phrasings that name it in an answer.</summary>
public sealed record RelationWord(string Name, string Opposite, IReadOnlyList<string> Phrases);

/// <summary>
/// The twelve relations of the relation table (<see cref="Relations"/>): names and opposites come from there; this
/// class adds only the phrasings that name each relation in a free-text answer. Every qualitative parser reads it.
/// </summary>
public static partial class RelationWords
{
    private static readonly Dictionary<string, string[]> PhrasesByWord = new(StringComparer.Ordinal)
    {
        ["left"] = ["left", "leftmost", "left-hand"],
        ["right"] = ["right", "rightmost", "right-hand"],
        ["above"] = ["above", "higher", "highest", "over", "on top of", "atop", "higher up", "elevated", "upper"],
        ["below"] = ["below", "lower", "lowest", "under", "underneath", "beneath", "lower down"],
        ["behind"] = ["behind", "further", "farther", "furthest", "farthest", "further away", "farther away", "in back of", "back", "further back", "farther back", "backward", "more distant", "deeper"],
        ["front"] = ["front", "in front", "in front of", "closer", "closest", "nearer", "nearest", "before", "foreground", "less far", "forward", "further forward", "farther forward", "further front"],
        ["tall"] = ["tall", "taller", "tallest", "higher", "less short"],
        ["short"] = ["short", "shorter", "shortest", "less tall", "lower", "not as tall"],
        ["wide"] = ["wide", "wider", "widest", "broad", "broader", "broadest", "less thin", "less narrow"],
        ["thin"] = ["thin", "thinner", "thinnest", "narrow", "narrower", "narrowest", "slim", "slimmer", "skinny", "skinnier", "less wide", "not as wide"],
        ["big"] = ["big", "bigger", "biggest", "large", "larger", "largest", "huge", "bulkier", "greater", "more voluminous", "less small"],
        ["small"] = ["small", "smaller", "smallest", "tiny", "tinier", "little", "less big", "less large", "not as big", "not as large", "more compact"],
    };

    public static readonly IReadOnlyList<RelationWord> All = Relations.All
        .Select(r => new RelationWord(r.Word, r.Sign > 0 ? r.Pair.Negative : r.Pair.Positive,
            PhrasesByWord.TryGetValue(r.Word, out var phrases) ? phrases : throw new InvalidOperationException($"no answer phrasings for relation '{r.Word}'")))
        .ToArray();

    public static RelationWord Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException($"unknown relation '{name}'");

    public static bool IsRelation(string name) => All.Any(r => r.Name == name);

    /// <summary>A relation named in the text: which one, where, and whether a negation governs it.</summary>
    public readonly record struct Mention(string Relation, int Index, int Length, bool Negated);

    /// <summary>
    /// Mentions of the given relations in normalized text, left to right, longest phrase first at each place;
    /// a phrase shared by two relations of the set (tall "higher" vs above "higher") counts for the first listed.
    /// </summary>
    /// <param name="captions">Caption mentions in the same text: relation words inside a caption ("the mug on the left") are not statements.</param>
    public static List<Mention> Find(string normalized, IReadOnlyList<string> relations, List<CaptionMentions.Mention>? captions = null)
    {
        var phraseToRelation = new Dictionary<string, string>();
        foreach (var r in relations)
            foreach (var p in Get(r).Phrases)
                phraseToRelation.TryAdd(p, r);
        var pattern = @"\b(?:" + string.Join("|", phraseToRelation.Keys.OrderByDescending(p => p.Length).Select(Regex.Escape)) + @")\b";
        var result = new List<Mention>();
        foreach (Match m in Regex.Matches(normalized, pattern))
            if (captions == null || !CaptionMentions.InsideCaption(captions, m.Index, m.Length))
                result.Add(new(phraseToRelation[m.Value], m.Index, m.Length, IsNegated(normalized, m.Index)));
        return result;
    }

    /// <summary>True when one of the three words before index negates it ("is not to the left", "isn't taller").</summary>
    public static bool IsNegated(string normalized, int index)
    {
        var before = normalized[..index];
        var words = Word().Matches(before).TakeLast(4).Select(m => m.Value).ToList();
        return words.Any(w => w is "not" or "never" or "neither" or "nor" or "no" || w.EndsWith("n't", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"[a-z']+")]
    private static partial Regex Word();
}
