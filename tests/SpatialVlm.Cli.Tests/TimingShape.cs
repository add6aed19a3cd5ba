using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// Checks of a benchmark's timings by their shape, never by their size: a time is present, a finite number and not
/// negative; a total covers its parts. How fast the machine is is no test's business.
/// </summary>
public static class TimingShape
{
    /// <summary>The named times as numbers, each present, finite and ≥ 0.</summary>
    public static double[] Durations(JsonNode json, params string[] keys) =>
        keys.Select(k =>
        {
            var node = json[k];
            Assert.True(node is JsonValue, $"{k} is missing or not a value");
            var ms = (double)node!;
            Assert.True(double.IsFinite(ms) && ms >= 0, $"{k} = {ms} is not a finite non-negative time");
            return ms;
        }).ToArray();

    /// <summary>The same for a JsonElement (System.Text.Json reader output).</summary>
    public static double[] Durations(JsonElement json, params string[] keys) =>
        Durations(JsonNode.Parse(json.GetRawText())!, keys);

    /// <summary>A total is at least the sum of its parts, up to the rounding each printed value carries (± half of 10^-decimals per value).</summary>
    public static void CoversParts(double total, IReadOnlyList<double> parts, int decimals) =>
        Assert.True(total >= parts.Sum() - (parts.Count + 1) * 0.5 * Math.Pow(10, -decimals), $"total {total} < sum of parts {parts.Sum()} ({string.Join(", ", parts)})");
}
