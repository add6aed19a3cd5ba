namespace SpatialVlm.Synthesis.Dataset;

/// <summary>
/// The margin policy as the dataset card states it: the rules from <see cref="Questions.MarginPolicy"/>, and how the
/// engine widens them, from the measurement and occlusion options actually in force.
/// </summary>
public static class MarginPolicyText
{
    public static IEnumerable<string> Lines(SynthesisOptions o)
    {
        var m = o.Measurement;
        var occlusion = o.Occlusion;
        var policy = o.Questions.Margins;
        yield return $"{policy.PositionalRule()}, times the pair's larger margin scale.";
        yield return $"An object's margin scale is 1 for a well-sampled object (≥ {m.WellSampledPoints} points) within 2 m, grows by {m.MarginPerMeter:0.##} per meter beyond 2 m, up to ×2 as its point count falls toward 0, and by {occlusion.MarginPerHiddenShare:0.##} per unit share of its outline hidden behind nearer surfaces or the image edge; objects with more than {occlusion.DropAbove:P0} of their outline hidden are left out.";
        yield return $"Objects cut by the image edge, or with more than {occlusion.SizeUnknownAbove:P0} of their outline hidden, get no size questions (tall/short, wide/thin, big/small, height, width): their boxes are lower bounds.";
        yield return $"Objects cut by the image edge get ×{occlusion.TruncatedMarginFactor:0.##}; objects whose visible footprint is shallower along the line of sight than {occlusion.ShallowFootprintRatio:0.##} of its breadth (back unseen) get ×{occlusion.ShallowFootprintMarginFactor:0.##}.";
        yield return $"{policy.SizeRule()} (times the pair's margin scale): sizes come from visible surfaces only.";
        yield return "Pairs inside the margin get no qualitative question" + (o.Questions.UncertaintyAnswers ? ", except uncertainty answers, which are marked uncertain." : ".");
        yield return $"Objects whose lowest point lies within {m.SupportSnap:0.00} m of the support plane are extended down to it (only visible surfaces are seen).";
    }
}
