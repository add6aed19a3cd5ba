namespace SpatialVlm.Core;

/// <summary>Metric depth along the optical axis, row-major; 0 or NaN = no measurement.</summary>
public sealed class DepthMap
{
    public int Width { get; }
    public int Height { get; }
    public float[] Meters { get; }

    public DepthMap(int width, int height, float[] meters)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException("depth map size must be positive");
        if (meters.Length != width * height) throw new ArgumentException($"depth map has {meters.Length} values, expected {width * height}");
        Width = width; Height = height; Meters = meters;
    }

    public float this[int x, int y] => Meters[y * Width + x];

    /// <summary>True when the value is a usable depth (finite and positive).</summary>
    public static bool IsValid(float d) => d > 0 && float.IsFinite(d);

    public int CountValid() { int n = 0; foreach (var d in Meters) if (IsValid(d)) n++; return n; }
}
