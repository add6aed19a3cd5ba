using CsCheck;
using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

public class BoxGapTests
{
    static readonly Gen<UprightBox> GenBox =
        Gen.Select(Gen.Double[-1.5, 1.5], Gen.Double[-1.5, 1.5], Gen.Double[0, 1.5], Gen.Double[0.05, 1.0], Gen.Double[0.05, 1.0], Gen.Double[0.05, 1.0], Gen.Double[-3.2, 3.2])
            .Select((x, y, z, w, l, h, yaw) => UprightBox.Create(new Point3(x, y, z), w, l, h, yaw));

    /// <summary>Independent oracle: min over p in A of B.DistanceOutside(p), a convex function of A's local
    /// coordinates, minimized by nested ternary searches (partial minima of a convex function stay convex).</summary>
    static double OracleGap(UprightBox a, UprightBox b)
    {
        double At(double u, double v, double w) =>
            b.DistanceOutside(a.Center + a.WidthAxis * u + a.LengthAxis * v + new Point3(0, 0, w));
        // Golden-section search: one new evaluation per step.
        double Min(double lo, double hi, Func<double, double> f)
        {
            const double r = 0.6180339887498949;
            double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo), f1 = f(x1), f2 = f(x2);
            for (int i = 0; i < 34; i++)
            {
                if (f1 <= f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = f(x1); }
                else { lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = f(x2); }
            }
            return Math.Min(f1, f2);
        }
        return Min(-a.Height / 2, a.Height / 2, w => Min(-a.Length / 2, a.Length / 2, v => Min(-a.Width / 2, a.Width / 2, u => At(u, v, w))));
    }

    [Fact]
    public void MatchesConvexMinimizationOracle() =>
        Gen.Select(GenBox, GenBox).Sample((a, b) => Math.Abs(BoxGap.Between(a, b) - OracleGap(a, b)) < 1e-6, iter: 30);

    [Fact]
    public void IsSymmetricAndNeverExceedsCornerDistances() =>
        Gen.Select(GenBox, GenBox).Sample((a, b) =>
        {
            var g = BoxGap.Between(a, b);
            var cornerMin = a.Corners().SelectMany(p => b.Corners(), (p, q) => (p - q).Length).Min();
            return Math.Abs(g - BoxGap.Between(b, a)) < 1e-12 && g <= cornerMin + 1e-12 && g >= 0;
        });

    [Fact]
    public void AnalyticCases()
    {
        var unit = UprightBox.Create(new Point3(0, 0, 0.5), 1, 1, 1, 0);
        // Face to face along x: 2 m between centres, 1 m boxes → 1 m gap.
        Assert.Equal(1.0, BoxGap.Between(unit, unit with { Center = new Point3(2, 0, 0.5) }), 12);
        // Touching faces and overlap give 0.
        Assert.Equal(0.0, BoxGap.Between(unit, unit with { Center = new Point3(1, 0, 0.5) }), 12);
        Assert.Equal(0.0, BoxGap.Between(unit, unit with { Center = new Point3(0.3, 0.2, 0.9) }), 12);
        // Edge to edge diagonally: corners (0.5,0.5) and (1.5,1.5) → √2.
        Assert.Equal(Math.Sqrt(2), BoxGap.Between(unit, unit with { Center = new Point3(2, 2, 0.5) }), 12);
        // Stacked with a 0.25 m vertical gap and a diagonal corner gap of √2 → sqrt(2 + 0.0625).
        Assert.Equal(Math.Sqrt(2.0625), BoxGap.Between(unit, unit with { Center = new Point3(2, 2, 1.75) }), 12);
        // A 45°-rotated unit square's corner points at the other: its corner reaches x = 3 − √2/2.
        var diamond = UprightBox.Create(new Point3(3, 0, 0.5), 1, 1, 1, Math.PI / 4);
        Assert.Equal(3 - Math.Sqrt(0.5) - 0.5, BoxGap.Between(unit, diamond), 12);
    }
}
