namespace SpatialVlm.Evaluation;

/// <summary>Per-answer scoring: qualitative right/wrong, quantitative ratio to the ground truth and its in-range bands.</summary>
public static class ItemScoring
{
    /// <summary>The ratio bands of SPATIAL.md as (low, high), headline first. 1/1.5 is used for the "0.667" bound so the band is symmetric.</summary>
    public static readonly IReadOnlyList<(double Low, double High)> Bands = [(0.5, 2.0), (1 / 1.5, 1.5), (0.75, 1.25), (0.9, 1.1)];

    // Bounds are inclusive; the slack keeps 0.3/0.6 (= 0.49999999999999994) on the right side of 0.5.
    private const double BoundSlack = 1e-9;

    /// <summary>pred/gt with both raised to the floor; null when the answer has no number or the item none.</summary>
    public static double? Ratio(ItemOutcome o, MetricsOptions options) =>
        o.Parsed.Meters is { } p && o.Item.ExpectedMeters is { } g
            ? Math.Max(p, options.FloorMeters) / Math.Max(g, options.FloorMeters) : null;

    public static bool InBand(double ratio, (double Low, double High) band) =>
        ratio >= band.Low * (1 - BoundSlack) && ratio <= band.High * (1 + BoundSlack);

    /// <summary>Qualitative: the parsed answer equals the expected one.</summary>
    public static bool IsCorrect(ItemOutcome o) => o.Item.Kind switch
    {
        QuestionKind.Predicate => o.Parsed.Yes is { } y && y == o.Item.ExpectedYes,
        QuestionKind.Choice or QuestionKind.Classify => o.Parsed.Text != null && o.Item.ExpectedText != null &&
            CaptionMentions.Normalize(o.Parsed.Text) == CaptionMentions.Normalize(o.Item.ExpectedText),
        _ => false,
    };

    /// <summary>1 or 0: correct (qualitative) or within [0.5, 2] of the truth (quantitative).</summary>
    public static double Score(ItemOutcome o, MetricsOptions options) =>
        o.Item.IsQualitative ? (IsCorrect(o) ? 1 : 0) : (Ratio(o, options) is { } r && InBand(r, Bands[0]) ? 1 : 0);
}
