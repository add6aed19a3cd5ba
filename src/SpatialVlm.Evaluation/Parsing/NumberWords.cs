using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Rewrites spelled-out quantities as digits in normalized answer text: "two and a half feet" → "2.5 feet",
/// "half a meter" → "0.5 meter", "one hundred and twenty" → "120", "one point five" → "1.5",
/// "three quarters of a meter" → "0.75 meter", "a foot" → "1 foot", "3 and a half" → "3.5".
/// A lone "a"/"an" becomes 1 only directly before a length unit word.
/// </summary>
public static partial class NumberWords
{
    private static readonly Dictionary<string, int> Small = new()
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
        ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12,
        ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17,
        ["eighteen"] = 18, ["nineteen"] = 19,
    };

    private static readonly Dictionary<string, int> Tens = new()
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };

    private static readonly Dictionary<string, double> FractionWords = new()
    {
        ["half"] = 0.5, ["halves"] = 0.5, ["quarter"] = 0.25, ["quarters"] = 0.25,
        ["third"] = 1.0 / 3, ["thirds"] = 1.0 / 3, ["fifth"] = 0.2, ["fifths"] = 0.2, ["tenth"] = 0.1, ["tenths"] = 0.1,
    };

    /// <summary>Full length-unit words before which "a"/"an" means one.</summary>
    private static readonly HashSet<string> UnitWords =
    [
        "meter", "metre", "foot", "inch", "yard", "centimeter", "centimetre", "millimeter", "millimetre",
        "kilometer", "kilometre", "mile",
    ];

    private static readonly string[] Digit = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    public static string ToDigits(string normalized)
    {
        var tokens = Token().Matches(normalized).Select(m => m.Value).ToArray();
        var sb = new StringBuilder(normalized.Length);
        for (int i = 0; i < tokens.Length;)
        {
            if ((i == 0 || !IsWordChar(tokens[i - 1])) && TryPhrase(tokens, i, out var value, out var end))
            {
                sb.Append(value.ToString("0.##########", CultureInfo.InvariantCulture));
                i = end;
            }
            else sb.Append(tokens[i++]);
        }
        return sb.ToString();
    }

    private static bool IsWordChar(string token) => token.Length > 0 && (char.IsLetterOrDigit(token[^1]) || token == ".");

    /// <summary>Index of the next word token after i, skipping spaces (and hyphens when allowed); -1 at the end.</summary>
    private static int Next(string[] t, int i, bool hyphens = false)
    {
        for (int j = i + 1; j < t.Length; j++)
        {
            if (t[j] == " " || (hyphens && t[j] == "-")) continue;
            return char.IsLetterOrDigit(t[j][0]) ? j : -1;
        }
        return -1;
    }

    private static string PreviousWord(string[] t, int i)
    {
        for (int j = i - 1; j >= 0; j--)
            if (t[j] != " ") return t[j];
        return "";
    }

    private static string At(string[] t, int j) => j >= 0 && j < t.Length ? t[j] : "";

    private static bool TryPhrase(string[] t, int i, out double value, out int end)
    {
        value = 0; end = i;
        var w = t[i];
        if (char.IsDigit(w[0]) || (w[0] == '.' && w.Length > 1))
        {
            // Digits only take an "and a half" suffix here; everything else is the length parser's job.
            value = double.Parse(w, CultureInfo.InvariantCulture);
            var lastDigit = i;
            return TryAndFraction(t, lastDigit, ref value, out end);
        }
        if (w == "half" && At(t, Next(t, i)) is "a" or "an")
        {
            value = 0.5; end = Next(t, i) + 1; return true;
        }
        if (w == "half" && At(t, Next(t, i)) == "of" && At(t, Next(t, Next(t, i))) is "a" or "an")
        {
            value = 0.5; end = Next(t, Next(t, i)) + 1; return true;
        }
        if (w is "a" or "an")
        {
            var n = Next(t, i);
            var nw = At(t, n);
            // "a meter" is one meter, but "3/4 of a meter" keeps its "of a" for the length parser.
            if (UnitWords.Contains(nw) && PreviousWord(t, i) != "of") { value = 1; end = i + 1; return true; }
            if (nw is "couple" or "pair")
            {
                value = 2; end = n + 1;
                if (At(t, Next(t, n)) == "of") end = Next(t, n) + 1;
                return true;
            }
            if (nw == "dozen") { value = 12; end = n + 1; return true; }
            if (FractionWords.TryGetValue(nw, out var f) && nw is "half" or "quarter" or "third" or "fifth" or "tenth")
            {
                value = f; end = n + 1; SkipOfA(t, ref end); return true;
            }
            if (nw is "hundred" or "thousand") return TryCardinal(t, n, 1, out value, out end) && Finish(t, ref value, ref end);
            return false;
        }
        if (w == "point" && TryDecimals(t, i, out var frac, out end)) { value = frac; return true; }
        if (!Small.ContainsKey(w) && !Tens.ContainsKey(w)) return false;
        return TryCardinal(t, i, 0, out value, out end) && Finish(t, ref value, ref end);
    }

    /// <summary>Integer words from index i: "one hundred and twenty-five", "two thousand". "a hundred" enters with a pending 1.</summary>
    private static bool TryCardinal(string[] t, int i, long pending, out double value, out int end)
    {
        long total = 0, current = pending;
        bool any = pending > 0, lastWasTens = false, lastWasScale = false;
        int j = i; end = i;
        while (j >= 0 && j < t.Length)
        {
            var w = t[j];
            if (Small.TryGetValue(w, out var s))
            {
                if (any && !lastWasTens && !lastWasScale) break; // "two three" is not one number
                current += s; lastWasTens = false; lastWasScale = false;
            }
            else if (Tens.TryGetValue(w, out var tens))
            {
                if (any && !lastWasScale) break;
                current += tens; lastWasTens = true; lastWasScale = false;
            }
            else if (w == "hundred") { current = Math.Max(current, 1) * 100; lastWasScale = true; lastWasTens = false; }
            else if (w == "thousand") { total += Math.Max(current, 1) * 1000; current = 0; lastWasScale = true; lastWasTens = false; }
            else if (w == "and" && lastWasScale && (Small.ContainsKey(At(t, Next(t, j))) || Tens.ContainsKey(At(t, Next(t, j))))) { j = Next(t, j); continue; }
            else break;
            any = true;
            end = j + 1;
            j = Next(t, j, hyphens: true);
        }
        value = total + current;
        return any;
    }

    /// <summary>Decimal part, "fraction of", and "and a half" after a cardinal.</summary>
    private static bool Finish(string[] t, ref double value, ref int end)
    {
        var n = Next(t, end - 1);
        if (At(t, n) == "point" && TryDecimals(t, n, out var d, out var dEnd)) { value += d; end = dEnd; return true; }
        if (FractionWords.TryGetValue(At(t, n), out var f))
        {
            // "three quarters", "one half", "two thirds" (of a meter)
            value *= f; end = n + 1; SkipOfA(t, ref end); return true;
        }
        TryAndFraction(t, end - 1, ref value, out end);
        return true;
    }

    private static bool TryDecimals(string[] t, int pointIndex, out double value, out int end)
    {
        var digits = new StringBuilder("0.");
        int j = Next(t, pointIndex); end = pointIndex;
        while (j >= 0 && Array.IndexOf(Digit, t[j]) is var d && d >= 0)
        {
            digits.Append(d); end = j + 1; j = Next(t, j);
        }
        value = digits.Length > 2 ? double.Parse(digits.ToString(), CultureInfo.InvariantCulture) : 0;
        return digits.Length > 2;
    }

    /// <summary>"… and a half", "… and one quarter", "… and three quarters" after the token at last.</summary>
    private static bool TryAndFraction(string[] t, int last, ref double value, out int end)
    {
        end = last + 1;
        var and = Next(t, last);
        if (At(t, and) != "and") return true;
        var q = Next(t, and);
        double count;
        if (At(t, q) is "a" or "an" or "one") count = 1;
        else if (Small.TryGetValue(At(t, q), out var c) && c is > 1 and < 10) count = c;
        else return true;
        var fw = Next(t, q);
        if (!FractionWords.TryGetValue(At(t, fw), out var f)) return true;
        value += count * f;
        end = fw + 1;
        return true;
    }

    private static void SkipOfA(string[] t, ref int end)
    {
        var of = Next(t, end - 1);
        if (At(t, of) != "of") return;
        var a = Next(t, of);
        if (At(t, a) is "a" or "an") end = a + 1;
    }

    [GeneratedRegex(@"[a-z]+|\d+(?:\.\d+)?|\.\d+|.", RegexOptions.Singleline)]
    private static partial Regex Token();
}
