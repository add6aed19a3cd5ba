namespace SpatialVlm.Scenes;

/// <summary>
/// Sine and cosine from +, −, × only, so scene geometry is bit-identical on every machine (Math.Sin comes
/// from the platform's C library, whose last bit may differ). Accurate to a few ulps for |x| &lt; 1e6.
/// </summary>
public static class PortableTrig
{
    private const double HalfPiHigh = 1.5707963267341256;       // π/2 split in two parts (Cody–Waite)
    private const double HalfPiLow = 6.077100506506192e-11;

    public static double Sin(double x) => SinCos(x).Sin;
    public static double Cos(double x) => SinCos(x).Cos;
    public static double Tan(double x) { var (s, c) = SinCos(x); return s / c; }

    public static (double Sin, double Cos) SinCos(double x)
    {
        var k = Math.Round(x * (2 / Math.PI));
        var r = (x - k * HalfPiHigh) - k * HalfPiLow;
        var s = SinPoly(r); var c = CosPoly(r);
        return ((long)k & 3) switch
        {
            0 => (s, c),
            1 => (c, -s),
            2 => (-s, -c),
            _ => (-c, s),
        };
    }

    public static double Radians(double degrees) => degrees * (Math.PI / 180);

    // Taylor series on |r| ≤ π/4; terms through r^17 / r^18 are below 1e-17.
    private static double SinPoly(double r)
    {
        var r2 = r * r;
        return r * (1 + r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 + r2 * (-1.0 / 39916800
            + r2 * (1.0 / 6227020800 + r2 * (-1.0 / 1307674368000 + r2 * (1.0 / 355687428096000)))))))));
    }

    private static double CosPoly(double r)
    {
        var r2 = r * r;
        return 1 + r2 * (-0.5 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 + r2 * (-1.0 / 3628800
            + r2 * (1.0 / 479001600 + r2 * (-1.0 / 87178291200 + r2 * (1.0 / 20922789888000))))))));
    }
}
