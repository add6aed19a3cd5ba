using System.Numerics;

namespace SpatialVlm.Scenes;

/// <summary>
/// Scan-converts one screen-space triangle into a "larger value wins" buffer: pixel (x, y) is sampled at its
/// integer coordinates, the value q is interpolated linearly in screen space (1/z for a perspective camera,
/// height toward the light for an orthographic shadow map). Each row is filled over the exact span where all
/// three edge functions are non-negative, so large triangles cost only what they cover. Ties keep the first
/// triangle drawn, which makes the result independent of anything but the draw order.
/// </summary>
public static class TriangleRasterizer
{
    /// <summary>Rasterizes rows [rowStart, rowEnd) of the buffers; <paramref name="ids"/> may be empty (depth only).</summary>
    public static void Fill(Span<float> values, Span<int> ids, int width, int rowStart, int rowEnd,
        double x0, double y0, double q0, double x1, double y1, double q1, double x2, double y2, double q2, int id)
    {
        var area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
        if (!(Math.Abs(area) > 1e-12)) return;
        if (area < 0) { (x1, x2) = (x2, x1); (y1, y2) = (y2, y1); (q1, q2) = (q2, q1); area = -area; }
        var minY = Math.Max(rowStart, (int)Math.Ceiling(Math.Min(y0, Math.Min(y1, y2))));
        var maxY = Math.Min(rowEnd - 1, (int)Math.Floor(Math.Max(y0, Math.Max(y1, y2))));
        if (minY > maxY) return;
        var minX = Math.Max(0, (int)Math.Ceiling(Math.Min(x0, Math.Min(x1, x2))));
        var maxX = Math.Min(width - 1, (int)Math.Floor(Math.Max(x0, Math.Max(x1, x2))));
        if (minX > maxX) return;

        // Edge i is opposite vertex i: E_i(x, y) = A_i x + B_i y + C_i, positive inside.
        double a0 = y1 - y2, b0 = x2 - x1, c0 = x1 * y2 - x2 * y1;
        double a1 = y2 - y0, b1 = x0 - x2, c1 = x2 * y0 - x0 * y2;
        double a2 = y0 - y1, b2 = x1 - x0, c2 = x0 * y1 - x1 * y0;
        var inv = 1 / area;
        double qa = (a0 * q0 + a1 * q1 + a2 * q2) * inv, qb = (b0 * q0 + b1 * q1 + b2 * q2) * inv, qc = (c0 * q0 + c1 * q1 + c2 * q2) * inv;
        bool withIds = !ids.IsEmpty;

        for (int y = minY; y <= maxY; y++)
        {
            double lo = minX, hi = maxX;
            if (!Clip(a0, b0 * y + c0, ref lo, ref hi) || !Clip(a1, b1 * y + c1, ref lo, ref hi) || !Clip(a2, b2 * y + c2, ref lo, ref hi)) continue;
            int xs = (int)Math.Ceiling(lo), xe = (int)Math.Floor(hi);
            if (xs > xe) continue;
            var rowQ = qb * y + qc;
            var row = values.Slice(y * width, width);
            var idRow = withIds ? ids.Slice(y * width, width) : Span<int>.Empty;
            int x = xs;
            if (Vector.IsHardwareAccelerated && Vector<double>.Count * 2 == Vector<float>.Count)
                x = FillSpanSimd(row, idRow, x, xe, qa, rowQ, id);
            // Scalar remainder; the same arithmetic per pixel as the vector lanes.
            for (; x <= xe; x++)
            {
                var q = (float)(qa * x + rowQ);
                if (q > row[x]) { row[x] = q; if (withIds) idRow[x] = id; }
            }
        }
    }

    // Whole vectors of pixels x .. xe: q = qa·x + rowQ in double, rounded to float, kept where it beats the buffer.
    private static int FillSpanSimd(Span<float> row, Span<int> idRow, int x, int xe, double qa, double rowQ, int id)
    {
        int lanes = Vector<float>.Count, half = Vector<double>.Count;
        Span<double> offsets = stackalloc double[half];
        for (int i = 0; i < half; i++) offsets[i] = i;
        var laneOffset = new Vector<double>(offsets);
        var qaV = new Vector<double>(qa); var rowV = new Vector<double>(rowQ); var idV = new Vector<int>(id);
        bool withIds = !idRow.IsEmpty;
        for (; x + lanes - 1 <= xe; x += lanes)
        {
            var lo = qaV * (new Vector<double>(x) + laneOffset) + rowV;
            var hi = qaV * (new Vector<double>(x + half) + laneOffset) + rowV;
            var q = Vector.Narrow(lo, hi);
            var old = new Vector<float>(row.Slice(x, lanes));
            var nearer = Vector.GreaterThan(q, old);
            if (nearer == Vector<int>.Zero) continue;
            Vector.ConditionalSelect(nearer, q, old).CopyTo(row.Slice(x, lanes));
            if (withIds) Vector.ConditionalSelect(nearer, idV, new Vector<int>(idRow.Slice(x, lanes))).CopyTo(idRow.Slice(x, lanes));
        }
        return x;
    }

    // Narrows [lo, hi] to where a·x + k ≥ 0; false when that leaves nothing.
    private static bool Clip(double a, double k, ref double lo, ref double hi)
    {
        if (a > 0) lo = Math.Max(lo, -k / a);
        else if (a < 0) hi = Math.Min(hi, -k / a);
        else if (k < 0) return false;
        return lo <= hi;
    }
}
