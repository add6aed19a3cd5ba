using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Yes or no from a predicate answer. In order: a leading yes/no word or phrase ("Yes, …", "No.", "Indeed",
/// "Absolutely not", "I don't think so"); an explicit "the answer is no"; a refusal ("I can't tell") gives null;
/// then, when the question's relation is known, the statement itself: naming the relation means yes, its
/// opposite means no, a negation flips it, and so does a sentence whose subject is object B.
/// </summary>
public static partial class YesNoParser
{
    /// <param name="relation">The predicate's relation (e.g. <c>left</c>), or null for a bare yes/no read.</param>
    /// <param name="captionA">Caption of A, to notice statements made about B instead.</param>
    public static bool? Parse(string answer, string? relation = null, string? captionA = null, string? captionB = null)
    {
        var text = AnswerText.Normalize(answer);
        text = LeadingNoise().Replace(text, "");
        if (LeadingNo().IsMatch(text)) return false;
        if (LeadingYes().IsMatch(text) || NoDoubt().IsMatch(text) && relation == null) return true;
        var intro = IntroThenAnswer().Match(text); // "Based on the image, yes, …"
        if (intro.Success) return intro.Groups[1].Value is "yes" or "yeah" or "indeed";
        var explicitAnswer = ExplicitAnswer().Match(text);
        if (explicitAnswer.Success) return explicitAnswer.Groups[1].Value is "yes" or "true" or "correct";
        if (AnswerText.IsUndecided(text)) return null;
        if (relation == null) return null;
        var rel = RelationWords.Get(relation);
        var captions = captionA != null && captionB != null ? CaptionMentions.Find(text, captionA, captionB) : [];
        var mention = RelationWords.Find(text, [rel.Name, rel.Opposite], captions).Cast<RelationWords.Mention?>().FirstOrDefault();
        if (mention is not { } m) return null;
        var holds = (m.Relation == rel.Name) != m.Negated;
        if (CaptionMentions.SubjectBefore(captions, m.Index) == 1) holds = !holds;
        return holds;
    }

    [GeneratedRegex(@"^[\s""'(\[>:.-]*(?:answer\s*:\s*)?")]
    private static partial Regex LeadingNoise();
    [GeneratedRegex(@"^(?:no\b(?!\s+(?:doubt|idea|way to (?:tell|know)))|nope\b|nah\b|not\b(?!\s+(?:sure|certain|clear))|false\b|incorrect\b|wrong\b|negative\b|never\b|(?:certainly|definitely|absolutely|surely|of course|probably|most likely|likely) not\b|i (?:don't|do not) (?:think|believe) so\b|it (?:is not|isn't|does not|doesn't)\b|that's not\b|that is not\b)")]
    private static partial Regex LeadingNo();
    [GeneratedRegex(@"^no doubt\b")]
    private static partial Regex NoDoubt();
    [GeneratedRegex(@"^(?:yes\b|yeah\b|yep\b|yup\b|yea\b|ya\b|indeed\b|correct\b|true\b|affirmative\b|certainly\b|definitely\b|absolutely\b|surely\b|sure\b|of course\b|that's (?:right|correct|true)\b|that is (?:right|correct|true)\b|i (?:think|believe) so\b|it (?:is|does)\s*[.!]?$)")]
    private static partial Regex LeadingYes();
    [GeneratedRegex(@"^(?:based on|looking at|judging (?:by|from)|from|in|according to|after|upon)\b[^,.]{0,80},\s*(yes|yeah|indeed|no)\b")]
    private static partial Regex IntroThenAnswer();
    [GeneratedRegex(@"\b(?:answer is|answer:|answer would be)\s*[""']?(yes|no|true|false|correct|incorrect)\b")]
    private static partial Regex ExplicitAnswer();
}
