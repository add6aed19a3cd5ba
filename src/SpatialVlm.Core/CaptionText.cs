using System.Text;

namespace SpatialVlm.Core;

/// <summary>
/// The one home of caption normalisation. Two forms, both lower case and single-spaced:
/// <list type="bullet">
/// <item><see cref="Normalize"/>, the caption key: articles removed wherever they stand, punctuation other than
/// hyphens and apostrophes dropped ("a Red ceramic Mug." → "red ceramic mug"). Colour and material words stay,
/// since they help tell objects apart. Perception turns detector labels into captions with it.</item>
/// <item><see cref="WithoutLeadingArticle"/>, the phrase form: only a leading article goes and every other word and
/// mark stays ("the red mug on the left" → "red mug on the left"), so a referring expression keeps its position
/// clause and a caption can still be found, as written, inside free text normalised by its own rules.</item>
/// </list>
/// The caption key of a phrase is the caption key of its text: Normalize(WithoutLeadingArticle(x)) == Normalize(x).
/// </summary>
public static class CaptionText
{
    private static readonly HashSet<string> Articles = new(StringComparer.Ordinal) { "a", "an", "the" };

    /// <summary>True for "a", "an" and "the" in any case.</summary>
    public static bool IsArticle(string word) => Articles.Contains(word.ToLowerInvariant());

    /// <summary>Caption key: lower case, every article removed, punctuation other than '-' and '\'' turned into spaces, single spaces.</summary>
    public static string Normalize(string caption)
    {
        var sb = new StringBuilder(caption.Length);
        foreach (var ch in caption.ToLowerInvariant())
            sb.Append(char.IsLetterOrDigit(ch) || ch is '-' or '\'' ? ch : ' ');
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !Articles.Contains(w));
        return string.Join(' ', words);
    }

    /// <summary>
    /// Phrase form: lower case, words split at spaces and rejoined by single spaces, and the first word dropped when
    /// it is an article and another word follows (a lone "the" stays). Punctuation and inner articles are kept.
    /// </summary>
    public static string WithoutLeadingArticle(string phrase)
    {
        var words = phrase.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int first = words.Length > 1 && IsArticle(words[0]) ? 1 : 0;
        return string.Join(' ', words, first, words.Length - first).ToLowerInvariant();
    }

    /// <summary>The head noun of a caption key: its last word ("red ceramic mug" → "mug").</summary>
    public static string Head(string normalized)
    {
        int space = normalized.LastIndexOf(' ');
        return space < 0 ? normalized : normalized[(space + 1)..];
    }

    /// <summary>True when the caption key, or its head noun, is one of the classes (caption keys too).</summary>
    public static bool IsOneOf(string normalized, IReadOnlySet<string> classes) => classes.Contains(normalized) || classes.Contains(Head(normalized));
}
