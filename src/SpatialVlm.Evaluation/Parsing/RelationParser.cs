namespace SpatialVlm.Evaluation;

/// <summary>
/// The relation word a classify answer gives, out of the type's two ("left" or "right"). The first mention of
/// either counts; a negation ("not to the left") gives the opposite, and so does a sentence whose subject is
/// object B ("the blue box is to the right of the red mug" means the red mug is to the left). Null when neither is named.
/// </summary>
public static class RelationParser
{
    public static string? Parse(string answer, string first, string second, string? captionA = null, string? captionB = null)
    {
        var text = AnswerText.Normalize(answer);
        if (AnswerText.IsUndecided(text)) return null;
        var captions = captionA != null && captionB != null ? CaptionMentions.Find(text, captionA, captionB) : [];
        var mentions = RelationWords.Find(text, [first, second], captions);
        if (mentions.Count == 0) return null;
        var m = mentions[0];
        var flip = m.Negated;
        if (CaptionMentions.SubjectBefore(captions, m.Index) == 1) flip = !flip;
        return flip ? (m.Relation == first ? second : first) : m.Relation;
    }
}
