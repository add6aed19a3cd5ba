using System.Globalization;
using CsCheck;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class ParserPropertyTests
{
    private static readonly (string Name, double Meters)[] Units =
    [
        ("m", 1), ("meters", 1), ("metres", 1), ("cm", 0.01), ("centimeters", 0.01), ("mm", 0.001), ("millimetres", 0.001),
        ("km", 1000), ("in", 0.0254), ("inches", 0.0254), ("ft", 0.3048), ("feet", 0.3048), ("yd", 0.9144), ("yards", 0.9144),
    ];

    private static readonly string[] Frames = ["{0} {1}", "{0}{1}", "about {0} {1}", "It is roughly {0} {1} away.", "**{0} {1}**", "\\scalar{{{0}}} {1}", "~{0} {1}."];

    [Fact]
    public void AnyDecimalWithAnyUnitInAnyFrame() =>
        Gen.Select(Gen.Int[0, 999_999], Gen.Int[0, Units.Length - 1], Gen.Int[0, Frames.Length - 1])
            .Sample((hundredths, u, f) =>
            {
                var value = hundredths / 100.0;
                var text = string.Format(CultureInfo.InvariantCulture, Frames[f], value.ToString(CultureInfo.InvariantCulture), Units[u].Name);
                var parsed = LengthParser.ParseMeters(text);
                return parsed is { } p && Math.Abs(p - value * Units[u].Meters) <= 1e-9 * Math.Max(1, value * Units[u].Meters);
            }, iter: 2000);

    [Fact]
    public void FeetAndInchesAddUp() =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[1, 11], Gen.Int[0, 2]).Sample((ft, inch, style) =>
        {
            var text = style switch { 0 => $"{ft} ft {inch} in", 1 => $"{ft}'{inch}\"", _ => $"{ft} feet and {inch} inches" };
            return LengthParser.ParseMeters(text) is { } p && Math.Abs(p - (ft * 0.3048 + inch * 0.0254)) < 1e-12;
        }, iter: 500);

    [Fact]
    public void RangesGiveTheirMidpoint() =>
        Gen.Select(Gen.Int[1, 500], Gen.Int[1, 500], Gen.Int[0, 3]).Sample((a, d, style) =>
        {
            var b = a + d;
            var text = style switch { 0 => $"{a}-{b} cm", 1 => $"{a} to {b} cm", 2 => $"between {a} and {b} cm", _ => $"{a} cm - {b} cm" };
            return LengthParser.ParseMeters(text) is { } p && Math.Abs(p - (a + b) / 200.0) < 1e-12;
        }, iter: 500);

    private static readonly string[] Ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
    private static readonly string[] TensWords = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    /// <summary>English words for 0 ≤ n &lt; 10 000, with or without "and" after hundred.</summary>
    private static string Spell(int n, bool and)
    {
        if (n < 20) return Ones[n];
        if (n < 100) return TensWords[n / 10] + (n % 10 > 0 ? "-" + Ones[n % 10] : "");
        if (n < 1000) return Ones[n / 100] + " hundred" + (n % 100 > 0 ? (and ? " and " : " ") + Spell(n % 100, and) : "");
        return Spell(n / 1000, and) + " thousand" + (n % 1000 > 0 ? " " + Spell(n % 1000, and) : "");
    }

    [Fact]
    public void SpelledOutCentimeters() =>
        Gen.Select(Gen.Int[1, 9999], Gen.Bool).Sample((n, and) =>
            LengthParser.ParseMeters($"about {Spell(n, and)} centimeters") is { } p && Math.Abs(p - n / 100.0) < 1e-12, iter: 1000);

    [Fact]
    public void MetricBandsAreNestedAndSharesAreFractions() =>
        Gen.Select(Gen.Double[0, 5], Gen.Double[0, 5], Gen.Bool).Array[0, 40].Sample(rows =>
        {
            var outcomes = rows.Select((r, i) => new ItemOutcome(SpatialMetricsTests.Item("distance", r.Item1, id: $"q{i}"),
                new ParsedAnswer(QuestionKind.Quantitative, Meters: r.Item3 ? r.Item2 : null))).ToList();
            var q = SpatialMetrics.Compute(outcomes).Quantitative;
            double[] chain = [q.InRange90To110, q.InRange75To125, q.InRange66To150, q.InRange50To200, q.OutputNumbers];
            return chain.All(v => v is >= 0 and <= 1) && chain.Zip(chain.Skip(1)).All(p => p.First <= p.Second)
                   && q.Smape is >= 0 and <= 2 && double.IsFinite(q.MedianAbsRelErr) && q.N == rows.Length;
        }, iter: 300);
}
