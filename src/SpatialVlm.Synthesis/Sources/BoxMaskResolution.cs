using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// Settles pixels that several box-only masks claim (touching objects whose boxes overlap, a box holding part of a
/// neighbour). A pixel is contested when it lies in the boxes of more than one object whose mask holds it or whose box
/// holds it; an object's own pixels are its uncontested ones (inside no other box: nobody else can own them), or, when it
/// has none, those in the central half of its box. Contested pixels then go to the object whose own pixels reach them
/// first through depth-continuous 4-neighbours (a multi-source breadth-first search), among the objects that could own
/// them; pixels no own region reaches are dropped. So a neighbour's part is never kept, and two objects are never
/// swapped: each keeps the region grown from pixels only it can own.
/// </summary>
public static class BoxMaskResolution
{
    /// <param name="masks">Per box, the pixels its own segmentation gave (ascending indices).</param>
    /// <param name="depthStep">Largest depth difference between 4-neighbours of one surface, as a share of depth (with a 1 cm floor).</param>
    public static int[][] Resolve(DepthMap depth, IReadOnlyList<PixelBox> boxes, IReadOnlyList<int[]> masks, double depthStep = 0.03)
    {
        int w = depth.Width, h = depth.Height, n = boxes.Count;
        if (n < 2) return masks.Select(m => m.ToArray()).ToArray();
        var rects = boxes.Select(b => (X0: (int)Math.Max(0, Math.Floor(b.X)), Y0: (int)Math.Max(0, Math.Floor(b.Y)),
            X1: (int)Math.Min(w, Math.Ceiling(b.X + b.Width)), Y1: (int)Math.Min(h, Math.Ceiling(b.Y + b.Height)))).ToArray();
        bool InBox(int b, int p) { int x = p % w, y = p / w; var r = rects[b]; return x >= r.X0 && x < r.X1 && y >= r.Y0 && y < r.Y1; }

        // Candidates per claimed pixel: the boxes (with a non-empty mask) holding it.
        var claimed = new Dictionary<int, List<int>>();
        for (int b = 0; b < n; b++)
            foreach (var p in masks[b])
                if (!claimed.ContainsKey(p))
                {
                    var c = new List<int>();
                    for (int o = 0; o < n; o++) if (masks[o].Length > 0 && InBox(o, p)) c.Add(o);
                    claimed[p] = c;
                }
        var label = new int[w * h];
        Array.Fill(label, -1);
        var queue = new Queue<int>();
        var hasOwn = new bool[n];
        foreach (var (p, c) in claimed)
            if (c.Count == 1 && masks[c[0]].Length > 0) { label[p] = c[0]; hasOwn[c[0]] = true; }
        // Objects whose box lies inside others' boxes: their own pixels are the central half of their box.
        for (int b = 0; b < n; b++)
        {
            if (hasOwn[b] || masks[b].Length == 0) continue;
            var r = rects[b];
            double qx = (r.X1 - r.X0) / 4.0, qy = (r.Y1 - r.Y0) / 4.0;
            foreach (var p in masks[b])
            {
                int x = p % w, y = p / w;
                if (x >= r.X0 + qx && x < r.X1 - qx && y >= r.Y0 + qy && y < r.Y1 - qy) label[p] = b;
            }
        }
        for (int p = 0; p < label.Length; p++) if (label[p] >= 0) queue.Enqueue(p);
        Span<int> step = [-1, 1, -w, w];
        while (queue.Count > 0)
        {
            int p = queue.Dequeue(), b = label[p];
            float d = depth.Meters[p];
            foreach (var s in step)
            {
                int q = p + s;
                if (q < 0 || q >= label.Length || (s == -1 && p % w == 0) || (s == 1 && q % w == 0)) continue;
                if (label[q] >= 0 || !claimed.TryGetValue(q, out var c) || !c.Contains(b)) continue;
                if (Math.Abs(depth.Meters[q] - d) > Math.Max(0.01, depthStep * d)) continue;
                label[q] = b;
                queue.Enqueue(q);
            }
        }
        var result = new List<int>[n];
        for (int b = 0; b < n; b++) result[b] = [];
        foreach (var p in claimed.Keys.Order()) if (label[p] >= 0) result[label[p]].Add(p);
        return result.Select(r => r.ToArray()).ToArray();
    }
}
