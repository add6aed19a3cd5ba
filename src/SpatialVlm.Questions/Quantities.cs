using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// When a directional quantity may be asked of (A, B): its relation holds clearly for A against B,
/// judged on the relation's measure or on the boxes' bottoms (above/below-difference ask how much higher
/// one object sits, which SPATIAL.md measures between bottoms), with the relation's positional margin.
/// </summary>
public sealed record DirectionCondition(Relation Relation, bool ByBottom)
{
    public double SignedDifference(UprightBox a, UprightBox b) =>
        Relation.Sign * (ByBottom ? a.Bottom - b.Bottom : Relation.Pair.MeasureOf(a) - Relation.Pair.MeasureOf(b));
}

/// <summary>
/// One quantitative question type: its value in meters from A, B and (only for "gap") the surface gap.
/// Single-object types (height, width, elevation) ignore B; symmetric ones are asked once per unordered pair.
/// </summary>
public sealed record QuantityDefinition(
    string Type, Func<UprightBox, UprightBox, Func<double>, double> Value,
    bool NeedsCanonicalization, bool SingleObject = false, bool Symmetric = false, DirectionCondition? AskedWhen = null, bool NeedsSize = false);

/// <summary>The thirteen quantitative types of SPATIAL.md.</summary>
public static class Quantities
{
    static double Horizontal(UprightBox a, UprightBox b) => Math.Sqrt(Sq(a.Center.X - b.Center.X) + Sq(a.Center.Y - b.Center.Y));
    static double Sq(double v) => v * v;

    static DirectionCondition When(string relation, bool byBottom = false) => new(Relations.ByWord(relation), byBottom);

    public static readonly IReadOnlyList<QuantityDefinition> All =
    [
        new("distance", (a, b, _) => (a.Center - b.Center).Length, false, Symmetric: true),
        new("gap", (_, _, gap) => gap(), false, Symmetric: true),
        new("height", (a, _, _) => a.Height, true, SingleObject: true, NeedsSize: true),
        new("width", (a, _, _) => a.Width, false, SingleObject: true, NeedsSize: true),
        new("elevation", (a, _, _) => Math.Max(0, a.Bottom), true, SingleObject: true),
        new("vertical-distance", (a, b, _) => Math.Abs(a.Center.Z - b.Center.Z), true, Symmetric: true),
        new("horizontal-distance", (a, b, _) => Horizontal(a, b), true, Symmetric: true),
        new("above-difference", (a, b, _) => Math.Abs(a.Bottom - b.Bottom), true, AskedWhen: When("above", byBottom: true)),
        new("below-difference", (a, b, _) => Math.Abs(a.Bottom - b.Bottom), true, AskedWhen: When("below", byBottom: true)),
        new("behind-difference", (a, b, _) => Math.Abs(a.Center.X - b.Center.X), false, AskedWhen: When("behind")),
        new("front-difference", (a, b, _) => Math.Abs(a.Center.X - b.Center.X), false, AskedWhen: When("front")),
        new("left-difference", (a, b, _) => Math.Abs(a.Center.Y - b.Center.Y), false, AskedWhen: When("left")),
        new("right-difference", (a, b, _) => Math.Abs(a.Center.Y - b.Center.Y), false, AskedWhen: When("right")),
    ];
}
