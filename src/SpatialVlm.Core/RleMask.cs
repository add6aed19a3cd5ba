using System.Text;

namespace SpatialVlm.Core;

/// <summary>
/// A binary mask as COCO run-length encoding: runs alternate background/foreground starting with background and walk the
/// image column by column (index = x·height + y), as pycocotools does. The string form packs each run (from the fourth
/// on, as a difference from the run two before) into 5-bit groups, ASCII 48 + group, bit 0x20 = more follows.
/// The one home of COCO RLE: annotations are read with it and dataset records write masks with it.
/// </summary>
public sealed record RleMask(int Height, int Width, uint[] Counts)
{
    /// <summary>Pixel indices (y·width + x) of the mask, ascending.</summary>
    public int[] ToPixels(string source = "RLE")
    {
        long total = 0;
        foreach (var c in Counts) total += c;
        if (total != (long)Width * Height)
            throw new SpatialVlmException($"{source}: RLE runs cover {total} pixels, the image has {(long)Width * Height}");
        var pixels = new List<int>();
        long pos = 0;
        for (int r = 0; r < Counts.Length; r++)
        {
            if (r % 2 == 1)
                for (long i = pos; i < pos + Counts[r]; i++)
                {
                    int x = (int)(i / Height), y = (int)(i % Height);
                    pixels.Add(y * Width + x);
                }
            pos += Counts[r];
        }
        pixels.Sort();
        return [.. pixels];
    }

    /// <summary>Column-major runs of a mask given as pixel indices (y·width + x); costs O(n log n) in the mask's size, not the image's.</summary>
    public static RleMask FromPixels(ReadOnlySpan<int> pixels, int width, int height)
    {
        var columnMajor = new long[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            int x = pixels[i] % width, y = pixels[i] / width;
            columnMajor[i] = (long)x * height + y;
        }
        Array.Sort(columnMajor);
        var counts = new List<uint>();
        long pos = 0; // first pixel not yet covered by a run
        int k = 0;
        while (k < columnMajor.Length)
        {
            long start = columnMajor[k];
            long end = start + 1;
            k++;
            while (k < columnMajor.Length && columnMajor[k] <= end) { if (columnMajor[k] == end) end++; k++; } // duplicates are one pixel
            counts.Add((uint)(start - pos));
            counts.Add((uint)(end - start));
            pos = end;
        }
        // The last run is background unless the mask reaches the last pixel, where pycocotools writes no empty run.
        if (pos < (long)width * height || counts.Count == 0) counts.Add((uint)((long)width * height - pos));
        return new RleMask(height, width, [.. counts]);
    }

    /// <summary>pycocotools' compressed string of the runs.</summary>
    public string ToCocoString() => EncodeCounts(Counts);

    public static uint[] DecodeCounts(string s, string source = "RLE")
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

    public static string EncodeCounts(ReadOnlySpan<uint> counts)
    {
        var sb = new StringBuilder();
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
}
