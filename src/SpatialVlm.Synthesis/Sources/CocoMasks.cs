using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// COCO segmentations → pixel masks. RLE runs alternate background/foreground starting with background and walk the
/// image column by column (index = x·height + y), as pycocotools does; the string form packs each run (from the
/// fourth on, as a difference from the run two before) into 5-bit groups, ASCII 48 + group, bit 0x20 = more follows.
/// </summary>
public static class CocoMasks
{
    /// <summary>Pixel indices (y·width + x) of an RLE mask, ascending.</summary>
    public static int[] FromRle(CocoRle rle, int width, int height, string source = "RLE")
    {
        if (rle.Width != width || rle.Height != height)
            throw new SpatialVlmException($"{source}: RLE size {rle.Width}x{rle.Height} does not match the {width}x{height} image");
        long total = 0;
        foreach (var c in rle.Counts) total += c;
        if (total != (long)width * height)
            throw new SpatialVlmException($"{source}: RLE runs cover {total} pixels, the image has {(long)width * height}");
        var pixels = new List<int>();
        long pos = 0;
        for (int r = 0; r < rle.Counts.Length; r++)
        {
            if (r % 2 == 1)
                for (long i = pos; i < pos + rle.Counts[r]; i++)
                {
                    int x = (int)(i / height), y = (int)(i % height);
                    pixels.Add(y * width + x);
                }
            pos += rle.Counts[r];
        }
        pixels.Sort();
        return [.. pixels];
    }

    /// <summary>Column-major runs of a mask (the inverse of <see cref="FromRle"/>).</summary>
    public static CocoRle ToRle(ReadOnlySpan<int> pixels, int width, int height)
    {
        var on = new bool[width * height];
        foreach (var p in pixels) on[p] = true;
        var counts = new List<uint>();
        bool current = false;
        uint run = 0;
        for (int x = 0; x < width; x++)
            for (int y = 0; y < height; y++)
            {
                if (on[y * width + x] != current) { counts.Add(run); run = 0; current = !current; }
                run++;
            }
        counts.Add(run);
        return new CocoRle(height, width, [.. counts]);
    }

    public static uint[] DecodeRleString(string s, string source = "RLE")
    {
        var counts = new List<uint>();
        int p = 0;
        while (p < s.Length)
        {
            long x = 0;
            int k = 0;
            bool more = true;
            while (more)
            {
                if (p >= s.Length) throw new SpatialVlmException($"{source}: RLE string ends inside a run");
                int c = s[p] - 48;
                if (c is < 0 or > 63) throw new SpatialVlmException($"{source}: RLE string has an invalid character '{s[p]}'");
                if (k > 6) throw new SpatialVlmException($"{source}: RLE run is too long");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++; k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k); // sign-extend
            }
            if (counts.Count > 2) x += counts[^2];
            if (x < 0 || x > uint.MaxValue) throw new SpatialVlmException($"{source}: RLE string decodes to a negative run");
            counts.Add((uint)x);
        }
        return [.. counts];
    }

    public static string EncodeRleString(ReadOnlySpan<uint> counts)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < counts.Length; i++)
        {
            long x = counts[i];
            if (i > 2) x -= counts[i - 2];
            bool more = true;
            while (more)
            {
                long c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                sb.Append((char)(c + 48));
            }
        }
        return sb.ToString();
    }

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
