using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Where an object of a category may rest.</summary>
public enum Support { Floor, Table, Either }

/// <summary>A fixed-colour part look (slots ≥ 1; slot 0 is the object's named colour).</summary>
public readonly record struct PartLook(float R, float G, float B, SurfacePattern Pattern);

/// <summary>An object's triangles in its local frame (origin at the footprint centre on the support, z up) and its part looks.</summary>
public sealed record ObjectModel(List<LocalTriangle> Triangles, SurfacePattern MainPattern, PartLook[] ExtraSlots);

/// <summary>
/// One object category: its name, dominant primitive (scene.json `shape`), where it rests, how often it is
/// drawn, the colour names it comes in, the scale range around its nominal metric size, and its builder
/// (random source, scale, resting on a table?).
/// </summary>
public sealed record ObjectCategory(string Name, string Shape, Support Support, double Weight, string[] Colors,
    DoubleRange Scale, Func<Random, double, bool, ObjectModel> Build);

/// <summary>The object library: 21 categories built from boxes, cylinders, cones and spheres at realistic sizes (meters).</summary>
public static class ObjectCatalog
{
    private static readonly string[] Any = ["red", "green", "blue", "yellow", "orange", "purple", "pink", "white", "black", "gray", "brown", "teal"];
    private static readonly string[] Wood = ["brown", "white", "black", "beige", "gray"];
    private static readonly string[] Tech = ["black", "gray", "silver", "white"];
    private static readonly PartLook Foliage = new(0.16f, 0.42f, 0.14f, SurfacePattern.Foliage);
    private static readonly PartLook DarkMetal = new(0.12f, 0.12f, 0.13f, SurfacePattern.Grain);
    private static readonly PartLook Screen = new(0.05f, 0.07f, 0.10f, SurfacePattern.Plain);
    private static readonly PartLook Pages = new(0.93f, 0.92f, 0.86f, SurfacePattern.Grain);

    private static Point3 P(double x, double y, double z) => new(x, y, z);
    private static double J(Random rng, double v, double spread = 0.1) => v * (1 + spread * (2 * rng.NextDouble() - 1));

    public static readonly ObjectCategory Table = new("table", "box", Support.Floor, 0, Wood, new(0.85, 1.25), (rng, s, _) =>
    {
        var t = new List<LocalTriangle>();
        double w = J(rng, 1.2 * s, 0.15), l = Math.Min(w * 0.95, J(rng, 0.75, 0.12)), h = J(rng, 0.74, 0.04), top = 0.035, leg = 0.05;
        PrimitiveMesh.Box(t, P(0, 0, h - top / 2), w, l, top, 0);
        foreach (var (sx, sy) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
            PrimitiveMesh.Box(t, P(sx * (w / 2 - 0.06), sy * (l / 2 - 0.06), (h - top) / 2), leg, leg, h - top, 0);
        return new(t, SurfacePattern.WoodPlanks, []);
    });

    public static readonly IReadOnlyList<ObjectCategory> All =
    [
        Table,
        new("mug", "cylinder", Support.Table, 2.2, Any, new(0.85, 1.2), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.041 * s, h = J(rng, 0.097 * s, 0.08);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), r, r, h, 0);
            PrimitiveMesh.Box(t, P(r + 0.011 * s, 0, h * 0.52), 0.024 * s, 0.012 * s, h * 0.6, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("bottle", "cylinder", Support.Either, 1.0, ["green", "blue", "white", "brown", "red", "teal", "orange"], new(0.8, 1.3), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = J(rng, 0.035 * s), body = J(rng, 0.2 * s), neck = 0.07 * s;
            PrimitiveMesh.Frustum(t, P(0, 0, 0), r, r, body, 0);
            PrimitiveMesh.Frustum(t, P(0, 0, body), r, 0.014 * s, neck * 0.45, 0);
            PrimitiveMesh.Frustum(t, P(0, 0, body + neck * 0.45), 0.014 * s, 0.014 * s, neck * 0.55, 0);
            PrimitiveMesh.Frustum(t, P(0, 0, body + neck), 0.016 * s, 0.016 * s, 0.022 * s, 1);
            return new(t, SurfacePattern.Grain, [new(0.9f, 0.9f, 0.9f, SurfacePattern.Plain)]);
        }),
        new("book", "box", Support.Either, 1.0, Any, new(0.8, 1.25), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = J(rng, 0.16 * s), l = J(rng, 0.24 * s), h = J(rng, 0.03 * s, 0.4);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), w, l, h, 0);
            PrimitiveMesh.Box(t, P(0.004, 0, h / 2), w - 0.006, l - 0.01, h * 0.8, 1); // page block showing on three sides
            return new(t, SurfacePattern.Grain, [Pages]);
        }),
        new("box", "box", Support.Either, 1.2, ["brown", "white", "red", "blue", "green", "yellow", "beige"], new(0.6, 1.6), (rng, s, table) =>
        {
            var t = new List<LocalTriangle>(); var k = table ? 0.6 : 1.0;
            double w = J(rng, 0.4 * s * k, 0.25), l = J(rng, 0.3 * s * k, 0.25), h = J(rng, 0.28 * s * k, 0.3);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), w, l, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("ball", "sphere", Support.Either, 1.0, Any, new(0.45, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.11 * s;
            PrimitiveMesh.Sphere(t, P(0, 0, r), r, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("chair", "composite", Support.Floor, 1.0, Wood.Concat(["red", "blue", "green"]).ToArray(), new(0.9, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = J(rng, 0.46 * s, 0.06), d = J(rng, 0.46 * s, 0.06), seat = J(rng, 0.45, 0.05), back = J(rng, 0.42, 0.12), leg = 0.035, th = 0.04;
            PrimitiveMesh.Box(t, P(0, 0, seat - th / 2), w, d, th, 0);
            foreach (var (sx, sy) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
                PrimitiveMesh.Box(t, P(sx * (w / 2 - leg / 2), sy * (d / 2 - leg / 2), (seat - th) / 2), leg, leg, seat - th, 0);
            PrimitiveMesh.Box(t, P(0, -d / 2 + 0.015, seat + back / 2), w, 0.03, back, 0);
            return new(t, SurfacePattern.WoodPlanks, []);
        }),
        new("lamp", "composite", Support.Either, 0.8, ["white", "black", "beige", "gray", "red", "blue"], new(0.85, 1.15), (rng, s, table) =>
        {
            var t = new List<LocalTriangle>(); var k = table ? 0.3 : 1.0;
            double baseR = (table ? 0.075 : 0.15) * s, pole = J(rng, 1.35 * k * s, 0.1), shadeH = (table ? 0.14 : 0.3) * s;
            PrimitiveMesh.Frustum(t, P(0, 0, 0), baseR, baseR * 0.9, 0.03, 1);
            PrimitiveMesh.Frustum(t, P(0, 0, 0.03), 0.012, 0.012, pole, 1);
            PrimitiveMesh.Frustum(t, P(0, 0, 0.03 + pole - shadeH * 0.3), shadeH * 0.75, shadeH * 0.45, shadeH, 0);
            return new(t, SurfacePattern.Grain, [DarkMetal]);
        }),
        new("plant pot", "cylinder", Support.Either, 1.0, ["brown", "white", "gray", "black", "blue", "orange", "beige"], new(0.6, 1.5), (rng, s, table) =>
        {
            var t = new List<LocalTriangle>(); var k = table ? 0.55 : 1.0;
            double rb = J(rng, 0.1 * s * k), rt = rb * J(rng, 1.3, 0.1), h = J(rng, 0.22 * s * k, 0.15), fol = rt * J(rng, 1.25, 0.15);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), rb, rt, h, 0);
            PrimitiveMesh.Sphere(t, P(0, 0, h + fol * 0.75), fol, 1);
            return new(t, SurfacePattern.Grain, [Foliage]);
        }),
        new("laptop", "box", Support.Table, 1.5, Tech, new(0.9, 1.15), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = 0.33 * s, d = 0.23 * s, th = 0.018, open = PortableTrig.Radians(J(rng, 15, 0.6));
            PrimitiveMesh.Box(t, P(0, 0, th / 2), w, d, th, 0);
            // Screen lid standing on the base's back edge, leaning back by `open` radians about the hinge.
            var hinge = P(0, -d / 2 + 0.006, th);
            PrimitiveMesh.Box(t, hinge + P(0, 0, d / 2), w, 0.008, d, 0, tiltX: open, pivot: hinge);
            PrimitiveMesh.Box(t, hinge + P(0, 0.0045, d / 2), w * 0.9, 0.002, d * 0.85, 1, tiltX: open, pivot: hinge);
            return new(t, SurfacePattern.Plain, [Screen]);
        }),
        new("can", "cylinder", Support.Table, 1.8, ["red", "silver", "green", "blue", "yellow", "white", "black", "orange"], new(0.95, 1.1), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = 0.033 * s, h = 0.122 * s;
            PrimitiveMesh.Frustum(t, P(0, 0, 0), r, r, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("vase", "cylinder", Support.Either, 0.8, ["white", "blue", "green", "teal", "purple", "black", "red", "yellow"], new(0.7, 1.6), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double h = J(rng, 0.3 * s), rb = 0.055 * s, rm = J(rng, 0.08 * s), rn = 0.035 * s;
            PrimitiveMesh.Frustum(t, P(0, 0, 0), rb, rm, h * 0.4, 0);
            PrimitiveMesh.Frustum(t, P(0, 0, h * 0.4), rm, rn, h * 0.45, 0);
            PrimitiveMesh.Frustum(t, P(0, 0, h * 0.85), rn, rn * 1.25, h * 0.15, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("cone", "cone", Support.Floor, 0.8, ["orange", "yellow", "red"], new(0.6, 1.4), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double b = 0.32 * s, h = 0.55 * s;
            PrimitiveMesh.Box(t, P(0, 0, 0.015 * s), b, b, 0.03 * s, 1);
            PrimitiveMesh.Frustum(t, P(0, 0, 0.03 * s), 0.13 * s, 0.02 * s, h, 0);
            return new(t, SurfacePattern.Grain, [DarkMetal]);
        }),
        new("bowl", "cylinder", Support.Table, 1.8, Any, new(0.8, 1.4), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double rt = J(rng, 0.085 * s), h = J(rng, 0.065 * s);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), rt * 0.55, rt, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("crate", "box", Support.Floor, 1.0, ["brown", "beige", "blue", "red", "green", "gray", "black"], new(0.75, 1.3), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = J(rng, 0.5 * s), l = J(rng, 0.35 * s), h = J(rng, 0.3 * s);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), w, l, h, 0);
            return new(t, SurfacePattern.Slats, []);
        }),
        new("trash bin", "cylinder", Support.Floor, 0.8, ["gray", "black", "white", "blue", "green", "silver"], new(0.75, 1.3), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double rb = J(rng, 0.13 * s), h = J(rng, 0.5 * s);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), rb, rb * 1.15, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("stool", "composite", Support.Floor, 0.7, Wood.Concat(["red", "black"]).ToArray(), new(0.85, 1.4), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double r = J(rng, 0.17), h = J(rng, 0.47 * s, 0.05), th = 0.04, leg = 0.03, o = r * 0.62;
            PrimitiveMesh.Frustum(t, P(0, 0, h - th), r, r, th, 0);
            foreach (var (sx, sy) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
                PrimitiveMesh.Box(t, P(sx * o, sy * o, (h - th) / 2), leg, leg, h - th, 0);
            return new(t, SurfacePattern.WoodPlanks, []);
        }),
        new("monitor", "box", Support.Table, 1.2, Tech, new(0.85, 1.3), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = 0.54 * s, h = 0.32 * s, lift = J(rng, 0.1);
            PrimitiveMesh.Box(t, P(0, 0, 0.0075), 0.22 * s, 0.16, 0.015, 0);
            PrimitiveMesh.Box(t, P(0, -0.04, 0.015 + lift / 2), 0.04, 0.03, lift, 0);
            PrimitiveMesh.Box(t, P(0, -0.005, 0.015 + lift + h / 2), w, 0.035, h, 0);
            PrimitiveMesh.Box(t, P(0, 0.0135, 0.015 + lift + h / 2), w * 0.94, 0.002, h * 0.9, 1);
            return new(t, SurfacePattern.Plain, [Screen]);
        }),
        new("suitcase", "box", Support.Floor, 0.7, ["black", "blue", "red", "gray", "silver", "purple", "green"], new(0.8, 1.2), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = J(rng, 0.45 * s, 0.08), l = J(rng, 0.25 * s, 0.1), h = J(rng, 0.65 * s, 0.1);
            PrimitiveMesh.Box(t, P(0, 0, 0.02 + h / 2), w, l, h, 0);
            foreach (var sx in new[] { -1, 1 })
                foreach (var sy in new[] { -1, 1 })
                    PrimitiveMesh.Box(t, P(sx * (w / 2 - 0.03), sy * (l / 2 - 0.03), 0.01), 0.03, 0.03, 0.02, 1);
            PrimitiveMesh.Box(t, P(0, 0, 0.02 + h + 0.015), 0.14, 0.025, 0.03, 1);
            return new(t, SurfacePattern.Grain, [DarkMetal]);
        }),
        new("speaker", "box", Support.Either, 0.7, ["black", "white", "gray", "brown", "silver"], new(0.7, 1.5), (rng, s, table) =>
        {
            var t = new List<LocalTriangle>(); var k = table ? 0.7 : 1.2;
            double w = J(rng, 0.2 * s * k), l = J(rng, 0.2 * s * k), h = J(rng, 0.32 * s * k);
            PrimitiveMesh.Box(t, P(0, 0, h / 2), w, l, h, 0);
            PrimitiveMesh.Box(t, P(0, l / 2 + 0.002, h / 2), w * 0.8, 0.004, h * 0.85, 1); // grille on the front face
            return new(t, SurfacePattern.Grain, [DarkMetal]);
        }),
        new("bucket", "cylinder", Support.Floor, 0.7, ["red", "blue", "yellow", "green", "gray", "orange", "white"], new(0.8, 1.25), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double rb = J(rng, 0.11 * s), h = J(rng, 0.27 * s);
            PrimitiveMesh.Frustum(t, P(0, 0, 0), rb, rb * 1.25, h, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
        new("backpack", "box", Support.Floor, 0.7, ["black", "blue", "red", "green", "gray", "orange", "purple"], new(0.85, 1.2), (rng, s, _) =>
        {
            var t = new List<LocalTriangle>(); double w = J(rng, 0.3 * s), l = J(rng, 0.18 * s), h = J(rng, 0.42 * s);
            PrimitiveMesh.Box(t, P(0, 0, h * 0.45), w, l, h * 0.9, 0);
            PrimitiveMesh.Box(t, P(0, l * 0.5 + 0.03, h * 0.3), w * 0.75, 0.06, h * 0.45, 0); // front pocket
            PrimitiveMesh.Sphere(t, P(0, 0, h * 0.9), Math.Min(w, l) * 0.45, 0);
            return new(t, SurfacePattern.Grain, []);
        }),
    ];
}
