using System.Text;
using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Brings a model's free-text answer into one plain form before parsing: lower case, ASCII quotes and dashes,
/// reasoning blocks and LaTeX wrappers removed, unicode fractions spelled out, one space between words.
/// </summary>
public static partial class AnswerText
{
    public static string Normalize(string text)
    {
        var s = ThinkBlock().Replace(text, " ");
        s = s.ToLowerInvariant();
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\u2018' or '\u2019' or '\u2032' or '\u00b4' or '`': sb.Append('\''); break;
                case '\u201c' or '\u201d' or '\u2033': sb.Append('"'); break;
                case '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212': sb.Append('-'); break;
                case '\u00a0' or '\u2009' or '\u202f' or '\t' or '\r' or '\n': sb.Append(' '); break;
                case '\u00bd': sb.Append(" 1/2"); break;
                case '\u00bc': sb.Append(" 1/4"); break;
                case '\u00be': sb.Append(" 3/4"); break;
                case '\u2153': sb.Append(" 1/3"); break;
                case '\u2248' or '\u223c': sb.Append(" about "); break;
                case '*' or '_' or '#': sb.Append(' '); break; // markdown emphasis and headings
                default: sb.Append(c); break;
            }
        }
        s = sb.ToString();
        s = LatexFrac().Replace(s, " $1/$2 ");
        s = LatexWrapper().Replace(s, " $1 ");
        s = LatexSpace().Replace(s, " ");
        s = LatexApprox().Replace(s, " about ");
        s = s.Replace("$", " ").Replace("{", " ").Replace("}", " ");
        s = ThousandsComma().Replace(s, "");
        s = DecimalComma().Replace(s, ".");
        return Spaces().Replace(s, " ").Trim();
    }

    /// <summary>
    /// True for a refusal ("I can't tell", "not enough information") or a tie ("they are about equally tall",
    /// "too close to call", "neither"): such an answer commits to no side.
    /// </summary>
    public static bool IsUndecided(string normalized) => Undecided().IsMatch(normalized);

    [GeneratedRegex(@"\b(?:i (?:don't|do not|cannot|can't) (?:know|tell|determine|say)|(?:cannot|can't|could not|couldn't) (?:be )?(?:determine|tell|say)|not possible to|impossible to|unclear|not sure|unable to|hard to (?:say|tell)|difficult to (?:say|tell|determine)|not enough information|too close to call|neither|equally|about the same|roughly the same|nearly the same|the same (?:height|size|width|distance|level|position|depth|side)|(?:as|equally) \w+ as each other|lined up|nearly in line|roughly in line|about level|level with each other)\b")]
    private static partial Regex Undecided();

    [GeneratedRegex(@"<think>.*?(</think>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ThinkBlock();
    [GeneratedRegex(@"\\d?frac\s*\{\s*([^{}]*?)\s*\}\s*\{\s*([^{}]*?)\s*\}")]
    private static partial Regex LatexFrac();
    [GeneratedRegex(@"\\(?:scalar|text|textrm|mathrm|mbox|operatorname|unit|si|boxed)\s*\{([^{}]*)\}")]
    private static partial Regex LatexWrapper();
    [GeneratedRegex(@"\\[,;:! ]|~")]
    private static partial Regex LatexSpace();
    [GeneratedRegex(@"\\(?:approx|sim|simeq)\b")]
    private static partial Regex LatexApprox();
    // "1,200" → "1200": a comma between digits followed by exactly three digits.
    [GeneratedRegex(@"(?<=\d),(?=\d{3}(?!\d))")]
    private static partial Regex ThousandsComma();
    // "1,5 m" → "1.5 m": a decimal comma (one or two digits after it, no space).
    [GeneratedRegex(@"(?<=\d),(?=\d{1,2}(?![\d,]))")]
    private static partial Regex DecimalComma();
    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
