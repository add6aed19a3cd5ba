namespace SpatialVlm.Questions;

/// <summary>
/// The margin policy (SPATIAL.md). Positional relations need |Δ| > max(MinimumMeters, ExtentShare × the
/// larger of the two objects' axis-aligned extents along the axis) × s; size relations need the larger to
/// be at least (1 + SizeShare × s) times the smaller, where s = the larger MarginScale of the two objects.
/// Defaults are the SPATIAL.md minimums; the conformance vectors are computed with s = 1.
/// </summary>
public sealed record MarginPolicy(double MinimumMeters = 0.05, double ExtentShare = 0.10, double SizeShare = 0.10)
{
    /// <summary>Differences this close to the margin count as inside it (rounding of stored numbers).</summary>
    public const double Tolerance = 1e-9;

    /// <summary>The positional rule in words (dataset cards and benchmark cards quote it).</summary>
    public string PositionalRule() => FormattableString.Invariant(
        $"Positional relations (left/right, above/below, behind/front) need a difference of at least max({MinimumMeters:0.###} m, {ExtentShare:P0} of the larger object's extent along that axis)");

    /// <summary>The size rule in words.</summary>
    public string SizeRule() => FormattableString.Invariant(
        $"Size relations (tall/short, wide/thin, big/small) need the larger to be at least {SizeShare:P0} larger");

    public string Describe() =>
        $"{PositionalRule()}; {SizeRule()}; both widened by the per-object margin scale (≥ 1) where estimates are less certain";
}
