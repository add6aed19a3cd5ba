namespace SpatialVlm.Core;

/// <summary>
/// The ambiguity limit, set once: up to <see cref="DefaultMaxSharingCaption"/> objects named alike in one image are
/// kept and told apart by position ("the mug on the left" / "the mug on the right"); larger groups are dropped.
/// Perception (which captions share a name) and the question engine (which names get a position clause) both
/// default to it, so the two stages cannot disagree unless a caller sets them apart on purpose.
/// </summary>
public static class AmbiguityLimit
{
    /// <summary>Two alike objects are named by position; three or more are dropped (the paper's rule).</summary>
    public const int DefaultMaxSharingCaption = 2;
}
