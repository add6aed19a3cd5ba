using System.Text.RegularExpressions;

namespace SpatialVlm.Questions;

/// <summary>A question read back as one of the 43 types with the phrases that name its objects.</summary>
public sealed record MatchedQuestion(QuestionType Type, string A, string? B);

/// <summary>
/// Reads a free-text question back through the question templates: each Q template becomes a pattern whose {A} and
/// {B} capture the object phrases. A question the engine wrote is read exactly; other wordings are not guessed at.
/// </summary>
public sealed class TemplateMatcher
{
    private readonly List<(QuestionType Type, Regex Pattern)> patterns = [];

    public TemplateMatcher(TemplateTable templates)
    {
        foreach (var type in QuestionCatalog.All)
            foreach (var template in templates.Get(type.Id, "Q"))
            {
                var escaped = Regex.Escape(template.Trim()).Replace(@"\{A}", "(?<A>.+?)").Replace(@"\{B}", "(?<B>.+?)");
                patterns.Add((type, new Regex($"^{escaped}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)));
            }
    }

    /// <summary>Every type whose template reads the question, with its phrases, in catalog order.</summary>
    public IEnumerable<MatchedQuestion> Match(string question)
    {
        var text = Regex.Replace(question.Trim(), @"\s+", " ");
        foreach (var (type, pattern) in patterns)
        {
            var m = pattern.Match(text);
            if (m.Success) yield return new MatchedQuestion(type, m.Groups["A"].Value, m.Groups["B"].Success ? m.Groups["B"].Value : null);
        }
    }
}
