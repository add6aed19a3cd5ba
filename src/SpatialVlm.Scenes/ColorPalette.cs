namespace SpatialVlm.Scenes;

/// <summary>A colour name and its albedo (0–1 per channel).</summary>
public readonly record struct NamedColor(string Name, float R, float G, float B);

/// <summary>The colour names objects are captioned with, and the albedo each stands for.</summary>
public static class ColorPalette
{
    public static readonly NamedColor[] All =
    [
        new("red", 0.72f, 0.09f, 0.08f),
        new("green", 0.16f, 0.52f, 0.20f),
        new("blue", 0.12f, 0.28f, 0.72f),
        new("yellow", 0.92f, 0.78f, 0.12f),
        new("orange", 0.95f, 0.45f, 0.07f),
        new("purple", 0.45f, 0.20f, 0.58f),
        new("pink", 0.93f, 0.50f, 0.64f),
        new("white", 0.90f, 0.90f, 0.88f),
        new("black", 0.08f, 0.08f, 0.09f),
        new("gray", 0.46f, 0.46f, 0.48f),
        new("brown", 0.44f, 0.27f, 0.14f),
        new("teal", 0.08f, 0.50f, 0.50f),
        new("beige", 0.84f, 0.74f, 0.56f),
        new("silver", 0.72f, 0.74f, 0.77f),
    ];

    public static NamedColor Get(string name) =>
        Array.Find(All, c => c.Name == name) is { Name: not null } c ? c : throw new ArgumentException($"unknown colour '{name}'");
}
