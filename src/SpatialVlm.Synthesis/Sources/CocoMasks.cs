using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>COCO segmentations → pixel masks: RLE through <see cref="RleMask"/>, polygons rasterized here.</summary>
public static class CocoMasks
{
    /// <summary>Pixel indices (y·width + x) of an RLE mask, ascending.</summary>
    public static int[] FromRle(CocoRle rle, int width, int height, string source = "RLE")
    {
        if (rle.Width != width || rle.Height != height)
            throw new SpatialVlmException($"{source}: RLE size {rle.Width}x{rle.Height} does not match the {width}x{height} image");
        return new RleMask(rle.Height, rle.Width, rle.Counts).ToPixels(source);
    }

    /// <summary>Column-major runs of a mask (the inverse of <see cref="FromRle"/>).</summary>
    public static CocoRle ToRle(ReadOnlySpan<int> pixels, int width, int height)
    {
        var rle = RleMask.FromPixels(pixels, width, height);
        return new CocoRle(rle.Height, rle.Width, rle.Counts);
    }

    public static uint[] DecodeRleString(string s, string source = "RLE") => RleMask.DecodeCounts(s, source);

    public static string EncodeRleString(ReadOnlySpan<uint> counts) => RleMask.EncodeCounts(counts);

    /// <summary>
    /// Pixels whose centre (x + 0.5, y + 0.5) lies inside any of the polygons (even-odd rule per polygon, union over
    /// polygons), ascending. Coordinates are COCO's: pixel edges at integers.
    /// </summary>
    public static int[] FromPolygons(IReadOnlyList<double[]> polygons, int width, int height)
    {
        var on = new bool[width * height];
        var crossings = new List<double>();
        foreach (var poly in polygons)
        {
            int n = poly.Length / 2;
            double minY = double.MaxValue, maxY = double.MinValue;
            for (int i = 0; i < n; i++) { minY = Math.Min(minY, poly[2 * i + 1]); maxY = Math.Max(maxY, poly[2 * i + 1]); }
            int y0 = Math.Max(0, (int)Math.Floor(minY - 0.5)), y1 = Math.Min(height - 1, (int)Math.Ceiling(maxY - 0.5));
            for (int y = y0; y <= y1; y++)
            {
                double sy = y + 0.5;
                crossings.Clear();
                for (int i = 0, j = n - 1; i < n; j = i++)
                {
                    double xi = poly[2 * i], yi = poly[2 * i + 1], xj = poly[2 * j], yj = poly[2 * j + 1];
                    if ((yi > sy) != (yj > sy)) crossings.Add(xi + (sy - yi) / (yj - yi) * (xj - xi));
                }
                crossings.Sort();
                for (int c = 0; c + 1 < crossings.Count; c += 2)
                {
                    int xa = Math.Max(0, (int)Math.Ceiling(crossings[c] - 0.5)), xb = Math.Min(width - 1, (int)Math.Floor(crossings[c + 1] - 0.5));
                    for (int x = xa; x <= xb; x++) on[y * width + x] = true;
                }
            }
        }
        var result = new List<int>();
        for (int i = 0; i < on.Length; i++) if (on[i]) result.Add(i);
        return [.. result];
    }
}
