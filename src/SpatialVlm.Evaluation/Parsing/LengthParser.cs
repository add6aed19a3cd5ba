using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Reads a length from a free-text answer and returns it in meters (SPATIAL.md "Numbers in answers").
/// Units: m, cm, mm, km, in, ft, yd, mi, spelled out or abbreviated, and the ' and " marks. Compounds
/// ("3 ft 2 in", "5'10\"", "1 m 20 cm") add up; ranges ("2-3 meters", "between 2 and 3 m") give their
/// midpoint; number words, fractions and <c>\scalar{}</c> are read. The first length in the text wins.
/// A text with no unit but exactly one number written in digits is taken as meters. Otherwise null.
/// </summary>
public static partial class LengthParser
{
    private const string Num = @"(?<![\w.])(?:\d+\s+\d+/\d+|\d+/\d+|\d*\.\d+|\d+)(?![\d/])";
    private const string Alpha = @"(?![a-z])";
    private const string Unit =
        @"(?:kilomet(?:er|re)s?|kms?|centimet(?:er|re)s?|cms?|millimet(?:er|re)s?|mm|met(?:er|re)s?|mtrs?|m" +
        @"|inch(?:es)?|ins?(?!\s+(?:front|the|a|an|of|between|this|that|which|my|its|total|all|height|width|length|size|diameter)" + Alpha + @")" +
        @"|f(?:oo|ee)t|ft|yards?|yds?|miles?|mi)" + Alpha + @"\.?|""|''|'";
    private const string Feet = @"(?:f(?:oo|ee)t|ft)" + Alpha + @"\.?|'";
    private const string Inches = @"(?:inch(?:es)?|in)" + Alpha + @"\.?|""|''";
    private const string Meters = @"(?:met(?:er|re)s?|m)" + Alpha;
    private const string Centimeters = @"(?:centimet(?:er|re)s?|cms?)" + Alpha;
    private const string Half = @"(?:\s+and\s+(?<extra>0?\.\d+|an?\s+half|an?\s+quarter))?";

    [GeneratedRegex($@"(?<n1>{Num})\s*(?:{Feet})\s*(?:,|and)?\s*(?:(?<n2>{Num})\s*(?:{Inches})|(?<n2>(?<![\w.])\d+)(?=\s*(?:$|[,;:!?)\]]|\.(?!\d))))")]
    private static partial Regex FeetInches();

    [GeneratedRegex($@"(?<n1>{Num})\s*(?:{Meters})\s*(?:,|and)?\s*(?<n2>{Num})\s*(?:{Centimeters})")]
    private static partial Regex MetersCentimeters();

    [GeneratedRegex($@"(?:between\s+(?<n1>{Num})\s*(?<u1>{Unit})?\s*and|(?<n1>{Num})\s*(?<u1>{Unit})?\s*(?:-|to|or|~))\s*(?:about\s+)?(?<n2>{Num})\s*-?\s*(?<u2>{Unit})")]
    private static partial Regex Range();

    [GeneratedRegex($@"(?<n1>{Num})\s*-?\s*(?:of\s+an?\s+)?(?<u1>{Unit}){Half}")]
    private static partial Regex Single();

    [GeneratedRegex(@"^(?:[a-z]|\s*(?:%|°|x\b|times|fold|percent|degrees?|objects?|items?|things|people|pixels?|px|points?|sides?|corners?|legs?|seconds?|minutes?|hours?|kg|kilograms?|pounds?|lbs?|liters?|litres?))")]
    private static partial Regex NotALength();

    [GeneratedRegex(@"\b(?:(?:are|is) touching|touch each other|touches|in (?:direct )?contact|no gap|zero gap|no space between|no distance|zero)\b")]
    private static partial Regex Contact();

    [GeneratedRegex(Num)]
    private static partial Regex BareNumber();

    /// <summary>Meters, or null when the text holds no length.</summary>
    public static double? ParseMeters(string answer)
    {
        var meters = Parse(answer);
        return meters is { } v && double.IsFinite(v) ? v : null;
    }

    private static double? Parse(string answer)
    {
        var normalized = AnswerText.Normalize(answer);
        var text = NumberWords.ToDigits(normalized);
        Match? best = null; int bestKind = 0;
        foreach (var (regex, kind) in new[] { (FeetInches(), 1), (MetersCentimeters(), 2), (Range(), 3), (Single(), 4) })
        {
            var m = regex.Match(text);
            if (m.Success && (best == null || m.Index < best.Index)) { best = m; bestKind = kind; }
        }
        if (best != null)
        {
            var n1 = Number(best.Groups["n1"].Value);
            switch (bestKind)
            {
                case 1: return n1 * 0.3048 + Number(best.Groups["n2"].Value) * 0.0254;
                case 2: return n1 + Number(best.Groups["n2"].Value) * 0.01;
                case 3:
                    var u2 = UnitMeters(best.Groups["u2"].Value);
                    var u1 = best.Groups["u1"].Success ? UnitMeters(best.Groups["u1"].Value) : u2;
                    return (n1 * u1 + Number(best.Groups["n2"].Value) * u2) / 2;
                default:
                    var extra = best.Groups["extra"];
                    if (extra.Success)
                        n1 += extra.Value.EndsWith("half", StringComparison.Ordinal) ? 0.5 :
                              extra.Value.EndsWith("quarter", StringComparison.Ordinal) ? 0.25 : Number(extra.Value);
                    return n1 * UnitMeters(best.Groups["u1"].Value);
            }
        }
        // No unit: one number written in digits (e.g. "\scalar{1.2}") is meters, unless it counts something else
        // ("3 times", "2 objects", "45 degrees"); spelled-out words alone are not a length.
        var numbers = BareNumber().Matches(text);
        if (numbers.Count == 1 && BareNumber().IsMatch(normalized) && !NotALength().IsMatch(text[(numbers[0].Index + numbers[0].Length)..]))
            return Number(numbers[0].Value);
        // Touching objects: a gap of zero said in words.
        return !BareNumber().IsMatch(normalized) && Contact().IsMatch(normalized) ? 0 : null;
    }

    private static double Number(string s)
    {
        s = s.Trim();
        var space = s.IndexOf(' ');
        if (space > 0) return Number(s[..space]) + Number(s[(space + 1)..]);
        var slash = s.IndexOf('/');
        if (slash > 0)
        {
            var den = double.Parse(s[(slash + 1)..], CultureInfo.InvariantCulture);
            return den == 0 ? double.NaN : double.Parse(s[..slash], CultureInfo.InvariantCulture) / den;
        }
        return double.Parse(s, CultureInfo.InvariantCulture);
    }

    /// <summary>Meters per unit for a matched unit token.</summary>
    internal static double UnitMeters(string unit)
    {
        var u = unit.TrimEnd('.').Trim();
        if (u is "\"" or "''" || u.StartsWith("in", StringComparison.Ordinal)) return 0.0254;
        if (u == "'" || u.StartsWith("f", StringComparison.Ordinal)) return 0.3048;
        if (u.StartsWith("y", StringComparison.Ordinal)) return 0.9144;
        if (u.StartsWith("mi", StringComparison.Ordinal) && !u.StartsWith("mil", StringComparison.Ordinal) || u.StartsWith("mile", StringComparison.Ordinal)) return 1609.344;
        if (u.StartsWith("k", StringComparison.Ordinal)) return 1000;
        if (u.StartsWith("c", StringComparison.Ordinal)) return 0.01;
        if (u.StartsWith("mil", StringComparison.Ordinal) || u == "mm") return 0.001;
        return 1;
    }
}
