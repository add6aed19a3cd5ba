using System.Runtime.CompilerServices;

namespace SpatialVlm.Geometry;

/// <summary>
/// How geometry spreads one call over threads. Geometry never decides this itself: every operation takes a
/// MaxDegreeOfParallelism from its caller (default 1, one thread), because a caller that already runs one item per
/// core (the synthesis workers) wants each call single-threaded, while a caller timing one large cloud (`bench
/// geometry`) wants every core. Results do not depend on it.
/// </summary>
internal static class Parallelism
{
    /// <summary>Throws when a caller's degree is below 1.</summary>
    internal static void Check(int maxDegreeOfParallelism)
    {
        if (maxDegreeOfParallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), $"MaxDegreeOfParallelism must be at least 1, got {maxDegreeOfParallelism}");
    }

    /// <summary>
    /// Index ranges to split n items into: one below 4096 items, else one per 2048. The count depends on n alone, not on
    /// the thread count: the organized neighbour search carries a hint from point to point within a range, and its
    /// float sums follow the path the hint picks, so the same ranges on any thread count keep results bit-identical.
    /// </summary>
    internal static int Partitions(int n) => n < 4096 ? 1 : (n + 2047) / 2048;

    /// <summary>Runs body(0..parts) on at most maxDegreeOfParallelism threads; inline when there is one part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void For(int parts, int maxDegreeOfParallelism, Action<int> body)
    {
        if (parts == 1 || maxDegreeOfParallelism <= 1)
        {
            for (int p = 0; p < parts; p++) body(p);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, body);
    }
}
