namespace SpatialVlm.Questions;

/// <summary>
/// A against B on one relation pair. Difference = measure(A) − measure(B); Margin is in meters for
/// positional rules and a relative share for size rules (as in the conformance vectors). The relation
/// word that holds is decided by the sign alone; ClearsMargin says whether it is certain enough to ask.
/// </summary>
public readonly record struct RelationComparison(RelationPair Pair, double Difference, double Margin, bool ClearsMargin)
{
    /// <summary>The signed relation that holds for A against B (positive word when Difference &gt; 0).</summary>
    public Relation Holding => Difference > 0 ? Pair.PositiveRelation : Pair.NegativeRelation;

    public bool Holds(Relation r) => r.Pair == Pair && (r.Sign > 0 ? Difference > 0 : Difference < 0);

    public static RelationComparison Of(RelationPair pair, SpatialObject a, SpatialObject b, MarginPolicy policy)
    {
        var (ma, mb) = (pair.MeasureOf(a.Box), pair.MeasureOf(b.Box));
        var diff = ma - mb;
        var scale = Math.Max(a.MarginScale, b.MarginScale);
        if (pair.Rule == MarginRule.Positional)
        {
            var extent = Math.Max(a.Box.ExtentAlong(pair.Axis), b.Box.ExtentAlong(pair.Axis));
            var m = Math.Max(policy.MinimumMeters, policy.ExtentShare * extent) * scale;
            return new(pair, diff, m, Math.Abs(diff) > m + MarginPolicy.Tolerance);
        }
        var share = policy.SizeShare * scale;
        var (large, small) = (Math.Max(ma, mb), Math.Min(ma, mb));
        return new(pair, diff, share, large >= (1 + share) * small - MarginPolicy.Tolerance && large > 0);
    }
}
