using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialVlm.Model;

/// <summary>
/// Gaussian relative noise on the quantities of an answer (the paper's answer-noise regularizer): every length in the
/// answer ("1.2 meters", "3 feet 4 inches", "35 cm") is multiplied by one factor 1 + σ·N(0,1) per answer, so compound
/// quantities stay consistent. Numbers without a length unit (counts, years) are left alone.
/// </summary>
public static partial class AnswerNoise
{
    [GeneratedRegex(@"(?<![\w.])(\d+(?:\.\d+)?)(?=\s*(?:millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?|mm|cm|m|inch(?:es)?|feet|foot|ft|yards?)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityPattern();

    /// <summary>The answer with its quantities scaled by one random factor; the text unchanged when σ is 0 or there is no quantity.</summary>
    public static string Perturb(string answer, double sigma, SeededRandom random)
    {
        if (sigma < 0 || !double.IsFinite(sigma)) throw new ModelException($"answer noise σ must be a non-negative number, not {sigma}");
        if (sigma == 0) return answer;
        var matches = QuantityPattern().Matches(answer);
        if (matches.Count == 0) return answer;
        // Floor at 5 % so a large draw never makes a length zero or negative.
        var factor = Math.Max(0.05, 1.0 + sigma * random.NextGaussian());
        return QuantityPattern().Replace(answer, m => Format(double.Parse(m.Value, CultureInfo.InvariantCulture) * factor, Decimals(m.Value)));
    }

    private static int Decimals(string number) => number.IndexOf('.') is var dot and >= 0 ? number.Length - dot - 1 : 0;

    // At least the original decimals and at least two significant digits, so noise on "3 feet" is not rounded away.
    private static string Format(double value, int originalDecimals)
    {
        var magnitude = value > 0 ? (int)Math.Floor(Math.Log10(value)) : 0;
        var decimals = Math.Clamp(Math.Max(originalDecimals, 1 - magnitude), 0, 6);
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
