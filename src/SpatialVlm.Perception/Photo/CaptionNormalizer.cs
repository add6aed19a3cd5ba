using System.Text;

namespace SpatialVlm.Perception.Photo;

/// <summary>
/// Captions as the dataset uses them: lower case, articles removed wherever they stand, punctuation other than
/// hyphens and apostrophes dropped, single spaces. Colour and material words stay ("a Red ceramic Mug." → "red
/// ceramic mug"), since they help tell objects apart.
/// </summary>
public static class CaptionNormalizer
{
    private static readonly HashSet<string> Articles = ["a", "an", "the"];

    public static string Normalize(string caption)
    {
        var sb = new StringBuilder(caption.Length);
        foreach (var ch in caption.ToLowerInvariant())
            sb.Append(char.IsLetterOrDigit(ch) || ch is '-' or '\'' ? ch : ' ');
        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !Articles.Contains(w)).ToList();
        return string.Join(' ', words);
    }

    /// <summary>The head noun: the caption's last word ("red ceramic mug" → "mug").</summary>
    public static string Head(string normalized)
    {
        int space = normalized.LastIndexOf(' ');
        return space < 0 ? normalized : normalized[(space + 1)..];
    }

    /// <summary>True when the caption, or its head noun, is one of the classes (already normalised).</summary>
    public static bool IsOneOf(string normalized, IReadOnlySet<string> classes) => classes.Contains(normalized) || classes.Contains(Head(normalized));
}
