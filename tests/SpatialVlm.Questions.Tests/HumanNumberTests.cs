using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

public class HumanNumberTests
{
    static readonly Dictionary<string, double> UnitMeters = new()
    {
        ["millimeter"] = 0.001, ["millimeters"] = 0.001, ["mm"] = 0.001,
        ["centimeter"] = 0.01, ["centimeters"] = 0.01, ["cm"] = 0.01,
        ["meter"] = 1, ["meters"] = 1, ["m"] = 1,
        ["inch"] = 0.0254, ["inches"] = 0.0254, ["in"] = 0.0254,
        ["foot"] = 0.3048, ["feet"] = 0.3048, ["ft"] = 0.3048,
    };

    static readonly Regex Shape = new(@"^(?:(?:about|around|roughly|approximately) )?(\d+(?:\.\d+)?) ([a-z]+)(?: (\d+) (inch|inches|in))?$");

    /// <summary>Reads our own renderings back, independently of the renderer.</summary>
    internal static double ReadBack(string text)
    {
        var m = Shape.Match(text);
        Assert.True(m.Success, $"unexpected shape: '{text}'");
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * UnitMeters[m.Groups[2].Value];
        if (m.Groups[3].Success)
        {
            Assert.Contains(m.Groups[2].Value, new[] { "foot", "feet", "ft" });
            value += int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) * 0.0254;
        }
        return value;
    }

    static readonly Gen<double> GenMeters = Gen.Double[Math.Log(0.002), Math.Log(40)].Select(Math.Exp);

    [Fact]
    public void TextDenotesItsMetersAndStaysWithinTwentyPercent() =>
        Gen.Select(GenMeters, Gen.Int).Sample((meters, seed) =>
        {
            var q = HumanNumber.Render(meters, new Random(seed));
            return Math.Abs(ReadBack(q.Text) - q.Meters) <= 1e-9 * Math.Max(1, q.Meters)
                && Math.Abs(q.Meters - meters) <= 0.2 * meters;
        }, iter: 5000);

    [Fact]
    public void AtLeastNinetyFivePercentWithinTenPercent() =>
        Gen.Int.Sample(seed =>
        {
            var rng = new Random(seed);
            var values = Enumerable.Range(0, 400).Select(_ => Math.Exp(Math.Log(0.005) + rng.NextDouble() * Math.Log(8 / 0.005))).ToArray();
            var close = values.Count(v => Math.Abs(HumanNumber.Render(v, rng).Meters - v) <= 0.1 * v);
            return close >= 0.95 * values.Length;
        }, iter: 50);

    [Fact]
    public void SameSeedSameText()
    {
        string Run(int seed) { var r = new Random(seed); return string.Join("|", Enumerable.Range(1, 200).Select(i => HumanNumber.Render(i * 0.037, r).Text)); }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public void MetricMostlyImperialSometimesWithTheRightUnitsPerRange()
    {
        var rng = new Random(11);
        var renders = Enumerable.Range(0, 4000).Select(i => (m: 0.03 + (i % 400) * 0.01, q: HumanNumber.Render(0.03 + (i % 400) * 0.01, rng))).ToArray();
        var imperial = renders.Count(r => r.q.Units == UnitSystem.Imperial) / (double)renders.Length;
        Assert.InRange(imperial, 0.18, 0.32);
        foreach (var (m, q) in renders.Where(r => r.q.Units == UnitSystem.Metric && !r.q.Coarse))
        {
            if (m < 0.9) Assert.Matches(@"(centimeters?|cm)$", q.Text);
            if (m > 1.05) Assert.Matches(@" (meters?|m)$", q.Text);
        }
        foreach (var (m, q) in renders.Where(r => r.q.Units == UnitSystem.Imperial && !r.q.Coarse))
        {
            if (m < 0.55) Assert.Matches(@"(inch|inches|in)$", q.Text);
            if (m > 3.1) Assert.Matches(@" (feet|ft)$", q.Text);
            Assert.DoesNotMatch(@"(meter|centimeter|\bm$|\bcm$)", q.Text);
        }
        Assert.Contains(renders, r => Regex.IsMatch(r.q.Text, @"^\d+ feet \d+ inch(es)?$"));
        Assert.Contains(renders, r => r.q.Coarse);
        Assert.Contains(renders, r => r.q.Text.StartsWith("about "));
    }

    [Fact]
    public void KnownRenderingsFromFixedChoices()
    {
        // Every share at 0 or 1 pins the branch: precise metric words, no hedge.
        var metric = new HumanNumberOptions { ImperialShare = 0, CoarseShare = 0, HedgeShare = 0, SymbolShare = 0 };
        Assert.Equal("86 centimeters", HumanNumber.Render(0.864, new Random(1), metric).Text);
        Assert.Equal("1.4 meters", HumanNumber.Render(1.43, new Random(1), metric).Text);
        Assert.Equal("1 meter", HumanNumber.Render(0.997, new Random(1), metric).Text);
        Assert.Equal("4 millimeters", HumanNumber.Render(0.004, new Random(1), metric).Text);
        Assert.Equal("0 centimeters", HumanNumber.Render(0, new Random(1), metric).Text);
        var imperial = metric with { ImperialShare = 1 };
        Assert.Equal("3 feet 2 inches", HumanNumber.Render(0.965, new Random(1), imperial).Text);
        Assert.Equal("14 inches", HumanNumber.Render(0.356, new Random(1), imperial).Text);
        Assert.Equal("16 feet", HumanNumber.Render(5.0, new Random(1), imperial).Text);
        var coarse = metric with { CoarseShare = 1 };
        var rendered = Enumerable.Range(0, 20).Select(s => HumanNumber.Render(0.86, new Random(s), coarse).Text).ToHashSet();
        Assert.Equal(new HashSet<string> { "about 1 meter", "about 90 centimeters", "around 1 meter", "around 90 centimeters",
            "roughly 1 meter", "roughly 90 centimeters", "approximately 1 meter", "approximately 90 centimeters" }.Intersect(rendered).Count(), rendered.Count);
        Assert.Contains("1 meter", string.Join("|", rendered));
    }

    [Fact]
    public void RejectsNegativeNaNAndBadOptions()
    {
        Assert.Throws<SpatialVlmException>(() => HumanNumber.Render(-0.1, new Random(1)));
        Assert.Throws<SpatialVlmException>(() => HumanNumber.Render(double.NaN, new Random(1)));
        Assert.Throws<SpatialVlmException>(() => HumanNumber.Render(1, new Random(1), new HumanNumberOptions { MaxCoarseError = 0.3 }));
    }
}
