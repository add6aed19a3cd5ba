namespace SpatialVlm.Evaluation;

/// <summary>Choices the metrics depend on.</summary>
public sealed record MetricsOptions
{
    /// <summary>
    /// Lengths below this (default 0.01 m) are raised to it before any ratio, so a zero or tiny ground truth
    /// (a gap of 0 when objects touch) has a defined ratio: answering "0" or "5 mm" to a true 0 scores ratio 1,
    /// answering "30 cm" scores 30.
    /// </summary>
    public double FloorMeters { get; init; } = 0.01;

    /// <summary>Upper edges of the ground-truth depth bins in meters (default 1, 2, 3, 5; the last bin is open).</summary>
    public IReadOnlyList<double> DepthBinEdges { get; init; } = [1, 2, 3, 5];
}

/// <summary>One answered item and how its answer was read (unparsed and failed answers carry an empty parse).</summary>
public sealed record ItemOutcome(BenchmarkItem Item, ParsedAnswer Parsed);
