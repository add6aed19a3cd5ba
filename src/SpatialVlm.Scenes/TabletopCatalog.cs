using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Small things a robot handles on a table (meters): fruit, lying tubes, markers and cans, standing pegs, blocks, flat
/// objects only 1–3 cm tall (sponges, erasers, coasters, phones, books), mugs and the bowl things are put into; and the
/// two-finger gripper, built from boxes.
/// </summary>
public static class TabletopCatalog
{
    private static readonly string[] Any = ["red", "green", "blue", "yellow", "orange", "purple", "pink", "white", "black", "gray", "teal"];
    private static Point3 P(double x, double y, double z) => new(x, y, z);
    private static double J(Random rng, double v, double spread = 0.1) => v * (1 + spread * (2 * rng.NextDouble() - 1));

    /// <summary>A cylinder of radius r and length l lying on the table along local x (its axis at height r).</summary>
    private static void LyingCylinder(List<LocalTriangle> t, double r, double l, int slot)
    {
        var upright = new List<LocalTriangle>();
        PrimitiveMesh.Frustum(upright, P(0, 0, 0), r, r, l, slot);
        // Rotate +90° about y ((x, y, z) → (z, y, −x)), then shift the axis to x ∈ [−l/2, l/2] at height r.
        Point3 R(Point3 p) => new(p.Z, p.Y, -p.X);
        Point3 M(Point3 p) => R(p) + P(-l / 2, 0, r);
        foreach (var x in upright) t.Add(new LocalTriangle(M(x.A), M(x.B), M(x.C), R(x.NA), R(x.NB), R(x.NC), M(x.Inside), x.Slot));
    }

    public static readonly ObjectCategory Bowl = new("bowl", "cylinder", Support.Table, 0, Any, new(0.9, 1.25), (rng, s, _) =>
    {
        var t = new List<LocalTriangle>(); double rt = J(rng, 0.075 * s), h = J(rng, 0.055 * s);
        PrimitiveMesh.Frustum(t, P(0, 0, 0), rt * 0.6, rt, h, 0);
        return new(t, SurfacePattern.Grain, []);
    });

    public static readonly ObjectCategory Gripper = new("gripper", "composite", Support.Table, 0, ["gray", "black", "silver"], new(1, 1), (_, _, _) =>
        BuildGripper(0.09));

    /// <summary>
    /// The gripper with its fingers <paramref name="opening"/> apart (inner faces), along local x. Local origin: the grasp
    /// point between the fingers, 2 cm above the fingertips; the palm and a wrist block sit above.
    /// </summary>
    public static ObjectModel BuildGripper(double opening)
    {
        var t = new List<LocalTriangle>();
        const double finger = 0.012, depth = 0.022, fingerLength = 0.055, palmHeight = 0.025;
        double tipZ = -0.02, palmZ = tipZ + fingerLength;
        foreach (var side in new[] { -1, 1 })
            PrimitiveMesh.Box(t, P(side * (opening / 2 + finger / 2), 0, tipZ + fingerLength / 2), finger, depth, fingerLength, 1);
        PrimitiveMesh.Box(t, P(0, 0, palmZ + palmHeight / 2), 0.11 + 2 * finger, 0.035, palmHeight, 0);
        PrimitiveMesh.Box(t, P(0, 0, palmZ + palmHeight + 0.02), 0.045, 0.045, 0.04, 0);
        return new(t, SurfacePattern.Grain, [new PartLook(0.12f, 0.12f, 0.13f, SurfacePattern.Grain)]);
    }

    /// <summary>Categories of loose tabletop objects (the bowl and gripper are placed separately).</summary>
    public static readonly IReadOnlyList<ObjectCategory> Loose =
    [
        new("apple", "sphere", Support.Table, 1.2, ["red", "green", "yellow"], new(0.85, 1.15), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.038 * s;
            PrimitiveMesh.Sphere(t, P(0, 0, r), r, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("orange", "sphere", Support.Table, 0.8, ["orange"], new(0.85, 1.15), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.037 * s;
            PrimitiveMesh.Sphere(t, P(0, 0, r), r, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("lemon", "sphere", Support.Table, 0.6, ["yellow", "green"], new(0.9, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.029 * s;
            PrimitiveMesh.Sphere(t, P(0, 0, r), r, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("marker", "cylinder", Support.Table, 1.0, ["black", "red", "blue", "green"], new(0.9, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>();
            LyingCylinder(t, 0.009 * s, J(rng, 0.135 * s, 0.05), 0);
            return new(t, SurfacePattern.Plain, []);
        }),
        new("tube", "cylinder", Support.Table, 1.0, ["white", "blue", "red", "green", "yellow"], new(0.85, 1.2), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>();
            LyingCylinder(t, J(rng, 0.014 * s), J(rng, 0.14 * s, 0.15), 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("can", "cylinder", Support.Table, 1.0, ["red", "silver", "green", "blue", "yellow", "white", "orange"], new(0.95, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>();
            LyingCylinder(t, 0.033 * s, 0.122 * s, 0); // a can lying on its side
            return new(t, SurfacePattern.Grain, []);
        }),
        new("peg", "cylinder", Support.Table, 1.0, Any, new(0.8, 1.25), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = J(rng, 0.012 * s), h = J(rng, 0.04 * s, 0.3);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), r, r, h, 0);
            return new(t, SurfacePattern.Plain, []);
        }),
        new("block", "box", Support.Table, 1.0, Any, new(0.8, 1.3), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double a = 0.04 * s;
            PrimitiveMesh.Box(t, P(0, 0, a / 2), J(rng, a), J(rng, a), a, 0);
            return new(t, SurfacePattern.Plain, []);
        }),
        new("sponge", "box", Support.Table, 1.0, ["yellow", "green", "blue", "pink"], new(0.9, 1.15), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double h = J(rng, 0.025, 0.15);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), 0.095 * s, 0.063 * s, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("eraser", "box", Support.Table, 0.7, ["white", "pink", "blue"], new(0.9, 1.2), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); const double h = 0.012;
            PrimitiveMesh.Box(t, P(0, 0, h / 2), 0.06 * s, 0.022 * s, h, 0);
            return new(t, SurfacePattern.Plain, []);
        }),
        new("coaster", "cylinder", Support.Table, 0.7, ["brown", "black", "white", "beige"], new(0.9, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); const double h = 0.011;
            PrimitiveMesh.Frustum(t, P(0, 0, 0), 0.048 * s, 0.048 * s, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("phone", "box", Support.Table, 0.8, ["black", "silver", "white", "blue"], new(0.95, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); const double h = 0.011;
            PrimitiveMesh.Box(t, P(0, 0, h / 2), 0.15 * s, 0.072 * s, h, 0);
            return new(t, SurfacePattern.Plain, []);
        }),
        new("book", "box", Support.Table, 0.7, ["red", "blue", "green", "black", "white", "yellow"], new(0.85, 1.15), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double h = J(rng, 0.025, 0.2);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), 0.2 * s, 0.14 * s, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("mug", "cylinder", Support.Table, 0.8, Any, new(0.85, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.04 * s, h = J(rng, 0.095 * s, 0.08);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), r, r, h, 0);
            PrimitiveMesh.Box(t, P(r + 0.011 * s, 0, h * 0.52), 0.024 * s, 0.012 * s, h * 0.6, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
    ];
}
