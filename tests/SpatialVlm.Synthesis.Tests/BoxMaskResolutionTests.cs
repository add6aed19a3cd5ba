using CsCheck;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// Overlapping box-only masks settled jointly: two touching objects whose boxes (and first masks) each hold part of the
/// other get exactly their own pixels back; an object whose box lies inside a neighbour's box keeps its pixels.
/// </summary>
public class BoxMaskResolutionTests
{
    private static DepthMap Flat(int w, int h, float d) { var m = new float[w * h]; Array.Fill(m, d); return new DepthMap(w, h, m); }

    private static int[] Rect(int w, int x0, int y0, int x1, int y1)
    {
        var list = new List<int>();
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) list.Add(y * w + x);
        return [.. list];
    }

    [Fact]
    public void TouchingObjectsGetTheirOwnPixelsNeverTheNeighbours() =>
        Gen.Select(Gen.Int[10, 40], Gen.Int[10, 40], Gen.Int[10, 30], Gen.Int[1, 8]).Sample((wa, wb, height, overlap) =>
        {
            const int w = 120, h = 60;
            // A spans [5, 5+wa), B touches it on the right; each annotated box reaches `overlap` pixels into the other.
            int ax1 = 5 + wa, bx1 = ax1 + wb;
            var a = Rect(w, 5, 10, ax1, 10 + height);
            var b = Rect(w, ax1, 10, bx1, 10 + height);
            var boxA = new PixelBox(5, 10, wa + overlap, height);
            var boxB = new PixelBox(ax1 - overlap, 10, wb + overlap, height);
            // First masks: each box's segmentation took the whole blob inside its box (both objects, same depth).
            var both = a.Concat(b).ToHashSet();
            int[] Inside(PixelBox box) => both.Where(p => p % w >= box.X && p % w < box.X + box.Width && p / w >= box.Y && p / w < box.Y + box.Height).Order().ToArray();
            var resolved = BoxMaskResolution.Resolve(Flat(w, h, 0.6f), [boxA, boxB], [Inside(boxA), Inside(boxB)]);
            Assert.Equal(a.Order(), resolved[0]);
            Assert.Equal(b.Order(), resolved[1]);
        }, iter: 50);

    [Fact]
    public void AnObjectInsideItsNeighboursBoxKeepsItsPixels()
    {
        const int w = 100, h = 100;
        // A long diagonal-ish object's box covers a small peg standing in a corner of it; the peg is nearer the camera.
        var depth = Flat(w, h, 0.6f);
        var peg = Rect(w, 60, 60, 70, 70);
        foreach (var p in peg) depth.Meters[p] = 0.55f;
        var tube = Rect(w, 10, 10, 50, 50);
        var tubeBox = new PixelBox(10, 10, 65, 65);
        var pegBox = new PixelBox(60, 60, 10, 10);
        var resolved = BoxMaskResolution.Resolve(depth, [tubeBox, pegBox], [tube.Concat(peg).Order().ToArray(), peg]);
        Assert.Equal(tube.Order(), resolved[0]);
        Assert.Equal(peg.Order(), resolved[1]);
    }
}
