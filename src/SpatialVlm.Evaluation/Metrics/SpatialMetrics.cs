namespace SpatialVlm.Evaluation;

/// <summary>The paper's metrics over scored answers (SPATIAL.md "Evaluation metrics"). Empty halves give n 0 and zeros, never NaN.</summary>
public static class SpatialMetrics
{
    public static MetricsReport Compute(IReadOnlyList<ItemOutcome> outcomes, MetricsOptions? options = null)
    {
        options ??= new MetricsOptions();
        var qualitative = outcomes.Where(o => o.Item.IsQualitative).ToList();
        var quantitative = outcomes.Where(o => !o.Item.IsQualitative).ToList();
        var byType = new SortedDictionary<string, TypeMetrics>(StringComparer.Ordinal);
        foreach (var g in outcomes.GroupBy(o => o.Item.Type.Id))
            byType[g.Key] = new TypeMetrics(g.First().Item.Kind, g.Count(), g.Average(o => ItemScoring.Score(o, options)));
        return new MetricsReport(Qualitative(qualitative), Quantitative(quantitative, options), byType, ByDepth(outcomes, options));
    }

    public static QualitativeMetrics Qualitative(IReadOnlyList<ItemOutcome> items) =>
        new(items.Count, Share(items.Count(ItemScoring.IsCorrect), items.Count));

    public static QuantitativeMetrics Quantitative(IReadOnlyList<ItemOutcome> items, MetricsOptions options)
    {
        var n = items.Count;
        var ratios = items.Select(o => ItemScoring.Ratio(o, options)).OfType<double>().ToArray();
        double InBand(int band) => Share(ratios.Count(r => ItemScoring.InBand(r, ItemScoring.Bands[band])), n);
        // With both values floored, pred/gt = r gives sMAPE 2|r−1|/(r+1) and relative error |r−1|.
        var smape = ratios.Length == 0 ? 0 : ratios.Average(r => 2 * Math.Abs(r - 1) / (r + 1));
        return new QuantitativeMetrics(n, ratios.Length, Share(ratios.Length, n), InBand(0), InBand(1), InBand(2), InBand(3),
            smape, Median(ratios.Select(r => Math.Abs(r - 1)).ToArray()));
    }

    /// <summary>Qualitative accuracy and quantitative in-range share per ground-truth depth bin; items without depth form a last "unknown" bin.</summary>
    public static IReadOnlyList<DepthBinMetrics> ByDepth(IReadOnlyList<ItemOutcome> outcomes, MetricsOptions options)
    {
        var edges = options.DepthBinEdges;
        var bins = new List<DepthBinMetrics>();
        for (int i = 0; i <= edges.Count; i++)
        {
            double lo = i == 0 ? 0 : edges[i - 1], hi = i == edges.Count ? double.PositiveInfinity : edges[i];
            var label = double.IsPositiveInfinity(hi) ? $"{lo:0.##}+ m" : $"{lo:0.##}-{hi:0.##} m";
            bins.Add(Bin(label, lo, hi, outcomes.Where(o => o.Item.DepthM is { } d && d >= lo && d < hi).ToList(), options));
        }
        var unknown = outcomes.Where(o => o.Item.DepthM is null).ToList();
        if (unknown.Count > 0) bins.Add(Bin("unknown", double.NaN, double.NaN, unknown, options));
        return bins;
    }

    private static DepthBinMetrics Bin(string label, double lo, double hi, List<ItemOutcome> items, MetricsOptions options)
    {
        var ql = Qualitative(items.Where(o => o.Item.IsQualitative).ToList());
        var qn = Quantitative(items.Where(o => !o.Item.IsQualitative).ToList(), options);
        return new DepthBinMetrics(label, lo, hi, ql.N, ql.Accuracy, qn.N, qn.InRange50To200, qn.MedianAbsRelErr);
    }

    private static double Share(int count, int n) => n == 0 ? 0 : (double)count / n;

    public static double Median(double[] values)
    {
        if (values.Length == 0) return 0;
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
