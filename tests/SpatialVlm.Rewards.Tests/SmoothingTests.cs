using CsCheck;
using SpatialVlm.Core;

namespace SpatialVlm.Rewards.Tests;

public class SmoothingTests
{
    [Fact]
    public void TheCentredMedianKeepsAMonotoneSeriesMonotoneAcrossGaps()
    {
        Gen.Double[0, 1].Array[1, 40].Select(Gen.Int[0, 4].Array[40]).Sample(t =>
        {
            var (steps, holes) = t;
            // A non-increasing series with some frames missing.
            var values = new double?[steps.Length];
            double d = 2;
            for (int i = 0; i < steps.Length; i++) { d -= steps[i] * 0.1; values[i] = holes[i] == 0 ? null : d; }
            foreach (var method in new[] { Smoothing.Default, Smoothing.Parse("median:3"), Smoothing.Parse("median:9"), Smoothing.Parse("ema:0.4") })
            {
                var s = method.Apply(values);
                double? last = null;
                for (int i = 0; i < s.Length; i++)
                {
                    Assert.Equal(values[i] is null, s[i] is null);
                    if (s[i] is { } v) { Assert.True(last is null || v <= last + 1e-12, $"{method.Name} rose at {i}"); last = v; }
                }
            }
        });
    }

    [Fact]
    public void TheMedianRemovesASingleOutlierAndEmaFollowsItsFormula()
    {
        double?[] values = [1.0, 0.9, 5.0, 0.7, 0.6, null, 0.4];
        var median = Smoothing.Default.Apply(values);
        Assert.Equal(0.9, median[2]);
        Assert.Null(median[5]);
        var ema = Smoothing.Parse("ema:0.5").Apply([1.0, null, 0.0]);
        Assert.Equal([1.0, null, 0.5], ema);
        Assert.Equal(values, Smoothing.None.Apply(values));
    }

    [Theory]
    [InlineData("median:4")]
    [InlineData("median:0")]
    [InlineData("ema:0")]
    [InlineData("ema:1.5")]
    [InlineData("savgol:5")]
    public void BadMethodsAreOneLineErrors(string text)
    {
        var e = Assert.Throws<SpatialVlmException>(() => Smoothing.Parse(text));
        Assert.Contains("--smoothing", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
