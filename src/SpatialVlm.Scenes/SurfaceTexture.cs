using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Procedural colour variation as a brightness factor (around 1) at a world point: planks, tiles, carpet,
/// plaster, crate slats, foliage and fine grain. Integer hashing only, so the values are the same everywhere.
/// Floor and wall patterns follow the room's axes (a, b).
/// </summary>
public static class SurfaceTexture
{
    public static float Factor(SurfacePattern pattern, Point3 p, double a, double b)
    {
        switch (pattern)
        {
            case SurfacePattern.Grain:
                return 0.97f + 0.06f * Hash01(Cell(p.X, 300), Cell(p.Y, 300), Cell(p.Z, 300));
            case SurfacePattern.WoodPlanks:
            {
                // Planks 14 cm wide along a, each with its own tint, staggered ends, streaky grain, dark seams.
                var plank = Cell(b, 1 / 0.14);
                var along = a + 0.9 * Hash01(plank, 7, 1);
                var board = Cell(along, 1 / 1.2);
                double pb = b * (1 / 0.14), pa = along * (1 / 1.2);
                var fb = pb - Math.Floor(pb);
                var fa = pa - Math.Floor(pa);
                if (fb < 0.04 || fa < 0.006) return 0.62f;
                var tint = 0.86f + 0.26f * Hash01(plank, board, 3);
                var streak = 0.93f + 0.14f * Hash01(plank, Cell(along, 60), 5);
                return tint * streak;
            }
            case SurfacePattern.Tiles:
            {
                const double size = 0.45;
                double ta = a * (1 / size), tb = b * (1 / size);
                double fa = ta - Math.Floor(ta), fb = tb - Math.Floor(tb);
                if (fa < 0.02 || fb < 0.02) return 0.7f;
                return (0.93f + 0.1f * Hash01(Cell(a, 1 / size), Cell(b, 1 / size), 11)) * (0.98f + 0.04f * Hash01(Cell(a, 200), Cell(b, 200), 12));
            }
            case SurfacePattern.Carpet:
                return (0.9f + 0.2f * Hash01(Cell(a, 250), Cell(b, 250), 21)) * (0.95f + 0.1f * Smooth(a * 2.5, b * 2.5, 22));
            case SurfacePattern.Plaster:
                return (0.94f + 0.08f * Smooth(a * 3 + b * 3, p.Z * 3, 31)) * (0.985f + 0.03f * Hash01(Cell(a + b, 250), Cell(p.Z, 250), 32));
            case SurfacePattern.Slats:
            {
                var tz = p.Z * (1 / 0.075);
                var fz = tz - Math.Floor(tz);
                if (fz < 0.14) return 0.45f;
                return (0.88f + 0.2f * Hash01(Cell(p.Z, 1 / 0.075), 0, 41)) * (0.95f + 0.1f * Hash01(Cell(p.X + p.Y, 80), Cell(p.Z, 30), 42));
            }
            case SurfacePattern.Foliage:
                return 0.7f + 0.6f * Hash01(Cell(p.X, 70), Cell(p.Y, 70), Cell(p.Z, 70));
            default:
                return 1f;
        }
    }

    private static int Cell(double v, double perMeter) => (int)Math.Floor(v * perMeter);

    /// <summary>Uniform-looking value in [0, 1) from three integers.</summary>
    public static float Hash01(int x, int y, int z)
    {
        unchecked
        {
            uint h = (uint)x * 0x8DA6B343u ^ (uint)y * 0xD8163841u ^ (uint)z * 0xCB1AB31Fu;
            h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12; h *= 0x297A2D39u; h ^= h >> 15;
            return (h >> 8) * (1f / 16777216f);
        }
    }

    // Bilinear value noise on the unit lattice.
    private static float Smooth(double x, double y, int seed)
    {
        int ix = (int)Math.Floor(x), iy = (int)Math.Floor(y);
        float fx = (float)(x - ix), fy = (float)(y - iy);
        float v00 = Hash01(ix, iy, seed), v10 = Hash01(ix + 1, iy, seed), v01 = Hash01(ix, iy + 1, seed), v11 = Hash01(ix + 1, iy + 1, seed);
        var top = v00 + (v10 - v00) * fx; var bottom = v01 + (v11 - v01) * fx;
        return top + (bottom - top) * fy;
    }
}
