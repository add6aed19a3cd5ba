using System.Globalization;
using SpatialVlm.Core;

namespace SpatialVlm.Rewards;

/// <summary>
/// How the per-frame distances are smoothed before they become the reward. Frames without a distance (gaps) are left
/// out of every window and stay gaps. <c>median:W</c> (default W = 5): the centred running median over the answered
/// frames among the W frames around each frame; it keeps steps and never turns a monotone stretch non-monotone, so the
/// reward stays monotone where the distance is. <c>ema:ALPHA</c>: the causal exponential moving average
/// s = ALPHA·d + (1 − ALPHA)·s_previous, carried over gaps. <c>none</c>: the raw means.
/// </summary>
public sealed record Smoothing(string Kind, int Window, double Alpha)
{
    public static Smoothing Default { get; } = new("median", 5, 0);
    public static Smoothing None { get; } = new("none", 1, 1);

    public const string Help = "median:W (centred running median over W frames, odd W ≥ 1; default median:5), ema:ALPHA (causal exponential moving average, 0 < ALPHA ≤ 1), or none";

    /// <summary>The text the flag and the outputs use: median:5, ema:0.3, none.</summary>
    public string Name => Kind switch
    {
        "median" => $"median:{Window}",
        "ema" => string.Create(CultureInfo.InvariantCulture, $"ema:{Alpha:0.###}"),
        _ => "none",
    };

    /// <summary>The method in words, for the JSON and the plot.</summary>
    public string Description => Kind switch
    {
        "median" => $"centred running median over a window of {Window} frames (frames without a distance are left out of each window and stay gaps)",
        "ema" => string.Create(CultureInfo.InvariantCulture, $"causal exponential moving average, s = {Alpha:0.###}·d + {1 - Alpha:0.###}·s_previous, carried over gaps (which stay gaps)"),
        _ => "none: the per-frame means as answered",
    };

    public static Smoothing Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "none") return None;
        var parts = t.Split(':', 2);
        if (parts[0] == "median")
        {
            if (parts.Length == 1) return Default;
            if (int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w >= 1 && w % 2 == 1 && w <= 999)
                return new Smoothing("median", w, 0);
            throw new SpatialVlmException($"--smoothing {text}: the median window must be an odd number of frames from 1 to 999");
        }
        if (parts[0] == "ema")
        {
            if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a > 0 && a <= 1)
                return new Smoothing("ema", 1, a);
            throw new SpatialVlmException($"--smoothing {text}: ema needs a weight ALPHA with 0 < ALPHA <= 1, e.g. ema:0.3");
        }
        throw new SpatialVlmException($"--smoothing {text}: expected {Help}");
    }

    /// <summary>The smoothed series: null where the input is null.</summary>
    public double?[] Apply(IReadOnlyList<double?> values)
    {
        var result = new double?[values.Count];
        switch (Kind)
        {
            case "median":
                var half = Window / 2;
                var window = new List<double>(Window);
                for (int i = 0; i < values.Count; i++)
                {
                    if (values[i] is null) continue;
                    window.Clear();
                    for (int j = Math.Max(0, i - half); j <= Math.Min(values.Count - 1, i + half); j++)
                        if (values[j] is { } v) window.Add(v);
                    result[i] = Median(window);
                }
                break;
            case "ema":
                double? state = null;
                for (int i = 0; i < values.Count; i++)
                {
                    if (values[i] is not { } v) continue;
                    state = state is { } s ? Alpha * v + (1 - Alpha) * s : v;
                    result[i] = state;
                }
                break;
            default:
                for (int i = 0; i < values.Count; i++) result[i] = values[i];
                break;
        }
        return result;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
