using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Which of two objects a choice answer names. Mentions that only echo the question ("between the red mug
/// and the blue box", "the red mug or the blue box") or name the reference ("than the blue box",
/// "compared to …", "not the …") are set aside; the first remaining mention wins. When the question's relation
/// is known, the rest of that clause decides which way it points: "the blue box is to the right of the red mug"
/// answers "which is more to the left?" with the red mug. Without a relation word in the clause, "X is not …"
/// turns it to the other object. Null when neither is named, or the answer calls it a tie or cannot tell.
/// </summary>
public static partial class ChoiceParser
{
    /// <summary>Returns <paramref name="captionA"/> or <paramref name="captionB"/> as given, or null.</summary>
    /// <param name="relation">The choice's relation (<c>left</c> of <c>left-choice</c>), or null.</param>
    public static string? Parse(string answer, string captionA, string captionB, string? relation = null)
    {
        var text = AnswerText.Normalize(answer);
        if (AnswerText.IsUndecided(text) || BothSame().IsMatch(text)) return null;
        var mentions = CaptionMentions.Find(text, captionA, captionB);
        var drop = new HashSet<int>();
        for (int i = 0; i + 1 < mentions.Count; i++)
        {
            var (x, y) = (mentions[i], mentions[i + 1]);
            if (x.Which != y.Which && Joiner().IsMatch(text[x.End..y.Index])) { drop.Add(i); drop.Add(i + 1); }
        }
        for (int i = 0; i < mentions.Count; i++)
        {
            if (drop.Contains(i)) continue;
            var m = mentions[i];
            if (ReferenceBefore().IsMatch(text[..m.Index])) continue;
            var clause = ClauseEnd().Split(text[m.End..], 2)[0];
            var clauseCaptions = mentions.Where(c => c.Index >= m.End).Select(c => c with { Index = c.Index - m.End }).ToList();
            var said = relation != null ? RelationWords.Find(clause, [relation, RelationWords.Get(relation).Opposite], clauseCaptions) : [];
            var flip = said.Count > 0 ? (said[0].Relation != relation) != said[0].Negated : NegatedAfter().IsMatch(clause);
            var which = flip ? 1 - m.Which : m.Which;
            return which == 0 ? captionA : captionB;
        }
        return null;
    }

    // Where the statement about a mentioned object ends: punctuation, or a new clause ("since", "but", "while" …).
    [GeneratedRegex(@"[.;,!?:]|\b(?:but|since|because|while|whereas|although|though|so|and then)\b")]
    private static partial Regex ClauseEnd();
    [GeneratedRegex(@"^\s*,?\s*(?:or|and|vs\.?|versus|&)\s+(?:the\s+|a\s+|an\s+)?$")]
    private static partial Regex Joiner();
    [GeneratedRegex(@"\b(?:than|not|of|to|from|with|versus|vs\.?|unlike|beside|against|relative to|over)\s+(?:the\s+|a\s+|an\s+)?$")]
    private static partial Regex ReferenceBefore();
    [GeneratedRegex(@"^\s*(?:is|are|was|does|do|appears|seems)\s*(?:not|n't)\b|^\s*(?:isn't|aren't|wasn't|doesn't|don't)\b")]
    private static partial Regex NegatedAfter();
    [GeneratedRegex(@"both (?:are|have|look|seem|appear|sit)")]
    private static partial Regex BothSame();
}
