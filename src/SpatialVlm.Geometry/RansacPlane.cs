using System.Runtime.CompilerServices;
using System.Numerics;

namespace SpatialVlm.Geometry;

/// <param name="DistanceThreshold">A point is an inlier when its distance to the plane is at most this (meters, default 0.05).</param>
/// <param name="SampleSize">Points per hypothesis (default 3; more are fitted by least squares).</param>
/// <param name="Iterations">Hypotheses tried (default 1000).</param>
/// <param name="Seed">Seed of the sample draw (default 0).</param>
/// <param name="ScoringSubset">Hypotheses are first scored on this many points drawn with the samples (0 = on all
/// points); the best <paramref name="Finalists"/> are then scored on all points (default 8192).</param>
/// <param name="Finalists">Hypotheses re-scored on the whole cloud after the subset round (default 16).</param>
/// <param name="MaxDegreeOfParallelism">Threads scoring may use, set by the caller (default 1). Samples are drawn before
/// scoring, so the same seed gives the same plane for any value.</param>
public sealed record RansacPlaneOptions(double DistanceThreshold = 0.05, int SampleSize = 3, int Iterations = 1000, int Seed = 0,
    int ScoringSubset = 8192, int Finalists = 16, int MaxDegreeOfParallelism = 1);

/// <summary>A fitted plane and the indices of its inliers (ascending).</summary>
public sealed record PlaneFit(Plane Plane, int[] Inliers);

/// <summary>
/// Seeded RANSAC plane fit. All samples (and the scoring subset) are drawn up front from one seeded Random;
/// hypotheses are scored on the subset (on up to MaxDegreeOfParallelism threads), the best few again on the whole cloud (most inliers wins,
/// then least squared residual, then earliest), and the winner is refined by least squares on its inliers.
/// The same seed gives the same plane.
/// </summary>
public static class RansacPlane
{
    public static PlaneFit Fit(PointCloud c, RansacPlaneOptions o)
    {
        if (o.SampleSize < 3) throw new ArgumentOutOfRangeException(nameof(o), "SampleSize must be at least 3");
        if (o.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(o), "Iterations must be at least 1");
        if (!(o.DistanceThreshold > 0)) throw new ArgumentOutOfRangeException(nameof(o), "DistanceThreshold must be positive");
        Parallelism.Check(o.MaxDegreeOfParallelism);
        int n = c.Count;
        if (n < o.SampleSize) throw new ArgumentException($"RANSAC needs at least {o.SampleSize} points, the cloud has {n}");

        var rng = new Random(o.Seed);
        var samples = DrawSamples(rng, n, o.SampleSize, o.Iterations);
        bool preScore = o.ScoringSubset > 0 && n > 2 * o.ScoringSubset && o.Finalists < o.Iterations;
        var subset = preScore ? Subset(c, rng, o.ScoringSubset) : c;
        var hypotheses = new Plane?[o.Iterations];
        var counts = new int[o.Iterations];
        var errors = new double[o.Iterations];
        float t = (float)o.DistanceThreshold;
        int parts = Math.Min(o.MaxDegreeOfParallelism, o.Iterations);
        Parallelism.For(parts, o.MaxDegreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int p) =>
        {
            var (lo, hi) = MeanKnnDistance.Range(0, o.Iterations, parts, p);
            for (int it = lo; it < hi; it++)
            {
                var plane = SamplePlane(c, samples.AsSpan(it * o.SampleSize, o.SampleSize));
                hypotheses[it] = plane;
                if (plane is { } pl) (counts[it], errors[it]) = Score(subset, pl, t);
            }
        });
        var ranked = Enumerable.Range(0, o.Iterations).Where(it => hypotheses[it] != null)
            .OrderByDescending(it => counts[it]).ThenBy(it => errors[it]).ThenBy(it => it).ToArray();
        if (ranked.Length == 0) throw new ArgumentException("RANSAC found no plane: every sample was degenerate");
        if (preScore)
        {
            ranked = ranked.Take(o.Finalists).ToArray();
            var finalists = ranked;
            Parallelism.For(finalists.Length, o.MaxDegreeOfParallelism, f => (counts[finalists[f]], errors[finalists[f]]) = Score(c, hypotheses[finalists[f]]!.Value, t));
            ranked = ranked.OrderByDescending(it => counts[it]).ThenBy(it => errors[it]).ThenBy(it => it).ToArray();
        }
        int best = ranked[0];
        if (counts[best] < 3) throw new ArgumentException("RANSAC found no plane: every sample was degenerate");
        var inliers = Inliers(c, hypotheses[best]!.Value, t);
        var refined = Pca.FitPlane(c, inliers);
        var refinedInliers = Inliers(c, refined, t);
        return refinedInliers.Length >= inliers.Length ? new PlaneFit(refined, refinedInliers) : new PlaneFit(refined, inliers);
    }

    private static PointCloud Subset(PointCloud c, Random rng, int size)
    {
        var idx = new int[size];
        for (int i = 0; i < size; i++) idx[i] = rng.Next(c.Count);
        return c.Select(idx);
    }

    private static int[] DrawSamples(Random rng, int n, int size, int iterations)
    {
        var samples = new int[iterations * size];
        for (int it = 0; it < iterations; it++)
        {
            var s = samples.AsSpan(it * size, size);
            for (int j = 0; j < size; j++)
            {
                int pick;
                do pick = rng.Next(n); while (s[..j].Contains(pick));
                s[j] = pick;
            }
        }
        return samples;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Plane? SamplePlane(PointCloud c, ReadOnlySpan<int> sample)
    {
        if (sample.Length > 3) return Pca.FitPlane(c, sample);
        var a = c[sample[0]]; var b = c[sample[1]]; var d = c[sample[2]];
        var normal = (b - a).Cross(d - a);
        double len = normal.Length;
        // Collinear (or coincident) samples span no plane.
        if (len < 1e-12 * Math.Max(1, (b - a).Length * (d - a).Length)) return null;
        return Plane.FromPointNormal(a, normal);
    }

    /// <summary>Inlier count and sum of squared inlier distances (SIMD over the coordinate arrays).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (int Count, double SquaredError) Score(PointCloud c, Plane plane, float threshold)
    {
        var xs = c.XSpan; var ys = c.YSpan; var zs = c.ZSpan;
        float a = (float)plane.A, b = (float)plane.B, cc = (float)plane.C, d = (float)plane.D;
        int i = 0, count = 0;
        double err = 0;
        if (Vector.IsHardwareAccelerated && xs.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a); var vb = new Vector<float>(b); var vc = new Vector<float>(cc); var vd = new Vector<float>(d);
            var vt = new Vector<float>(threshold);
            var vcount = Vector<int>.Zero;
            var verr = Vector<float>.Zero;
            int blocks = 0;
            for (; i <= xs.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var dist = va * new Vector<float>(xs[i..]) + vb * new Vector<float>(ys[i..]) + vc * new Vector<float>(zs[i..]) + vd;
                var inside = Vector.LessThanOrEqual(Vector.Abs(dist), vt);
                vcount -= inside; // true lanes are −1
                verr += Vector.ConditionalSelect(inside, dist * dist, Vector<float>.Zero);
                // Flush the float accumulator now and then so long clouds keep precision.
                if (++blocks == 1024) { err += Vector.Sum(verr); verr = Vector<float>.Zero; blocks = 0; }
            }
            count = Vector.Sum(vcount);
            err += Vector.Sum(verr);
        }
        for (; i < xs.Length; i++)
        {
            float dist = a * xs[i] + b * ys[i] + cc * zs[i] + d;
            if (MathF.Abs(dist) <= threshold) { count++; err += dist * dist; }
        }
        return (count, err);
    }

    /// <summary>Indices of points within the threshold of the plane, ascending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Inliers(PointCloud c, Plane plane, float threshold)
    {
        var result = new List<int>();
        float a = (float)plane.A, b = (float)plane.B, cc = (float)plane.C, d = (float)plane.D;
        for (int i = 0; i < c.Count; i++)
            if (MathF.Abs(a * c.X[i] + b * c.Y[i] + cc * c.Z[i] + d) <= threshold) result.Add(i);
        return result.ToArray();
    }
}
