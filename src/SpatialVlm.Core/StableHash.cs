using System.Runtime.CompilerServices;

namespace SpatialVlm.Core;

/// <summary>
/// Hashes that are the same in every process and on every platform (string.GetHashCode is randomised per
/// process). FNV-1a runs over a string's UTF-16 code units, one step per code unit, so for ASCII text it equals the
/// published FNV-1a of the bytes.
/// </summary>
public static class StableHash
{
    public const uint Fnv1a32OffsetBasis = 2166136261;
    public const uint Fnv1a32Prime = 16777619;
    public const ulong Fnv1a64OffsetBasis = 14695981039346656037;
    public const ulong Fnv1a64Prime = 1099511628211;
    /// <summary>2^64 / φ, odd: the increment of SplitMix64 and the multiplier of Fibonacci hashing.</summary>
    public const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    /// <summary>32-bit FNV-1a of the string's code units, from the given basis (default: the standard offset basis).</summary>
    public static uint Fnv1a32(string text, uint basis = Fnv1a32OffsetBasis)
    {
        uint h = basis;
        foreach (var ch in text) { h ^= ch; h *= Fnv1a32Prime; }
        return h;
    }

    /// <summary>64-bit FNV-1a of the string's code units, from the given basis (default: the standard offset basis).</summary>
    public static ulong Fnv1a64(string text, ulong basis = Fnv1a64OffsetBasis)
    {
        ulong h = basis;
        foreach (var ch in text) { h ^= ch; h *= Fnv1a64Prime; }
        return h;
    }

    /// <summary>SplitMix64's output function (Stafford's mix 13): a bijection of 64-bit values that spreads every input bit.</summary>
    public static ulong SplitMix64Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Multiplicative (Fibonacci-style) hash: the top bits of key·multiplier, shifted right by <paramref name="shift"/>.
    /// The multiplier should be odd; <see cref="GoldenGamma"/> is the usual one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyShift(ulong key, ulong multiplier, int shift) => unchecked(key * multiplier) >> shift;

    /// <summary>The two halves of a 64-bit hash XORed into 32 bits.</summary>
    public static int Fold32(ulong h) => unchecked((int)(h ^ (h >> 32)));
}

/// <summary>
/// Seeds derived from a parent seed and a key, so that items can be processed in any order or in parallel and still
/// draw the same numbers. Every derivation is a pure function of its arguments, built from <see cref="StableHash"/>.
/// </summary>
public static class Seeds
{
    /// <summary>Multiplier of the second independent stream drawn from one seed (e.g. an object's trajectory beside its scene's layout).</summary>
    public const ulong SecondStream = 0xD1B54A32D192ED03;

    /// <summary>A 31-bit Random seed from a 64-bit seed: the top bits of seed·multiplier (Fibonacci hashing).</summary>
    public static int Scramble(long seed, ulong multiplier = StableHash.GoldenGamma) =>
        unchecked((int)StableHash.MultiplyShift((ulong)seed, multiplier, 33));

    /// <summary>A child seed from a parent seed and a numeric key: SplitMix64's mix of key·γ XOR parent, folded to 32 bits by truncation.</summary>
    public static int Derive(long parentSeed, long key) =>
        unchecked((int)StableHash.SplitMix64Mix((ulong)key * StableHash.GoldenGamma ^ (ulong)parentSeed));

    /// <summary>A child seed from a parent seed and a string key: FNV-1a 64 of the key started from basis XOR parent, halves folded.</summary>
    public static int Derive(long parentSeed, string key) =>
        StableHash.Fold32(StableHash.Fnv1a64(key, StableHash.Fnv1a64OffsetBasis ^ (ulong)parentSeed));

    /// <summary>A non-negative 63-bit seed from an id alone: FNV-1a 64 of the id, shifted right by one.</summary>
    public static long FromId(string id) => (long)(StableHash.Fnv1a64(id) >> 1);
}
