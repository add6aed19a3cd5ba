using System.Runtime.CompilerServices;
using SpatialVlm.Core;
namespace SpatialVlm.Geometry;

/// <summary>
/// An open-addressing hash map from 64-bit keys to dense slots 0, 1, 2, … in order of first insertion
/// (linear probing, Fibonacci hashing). Faster than Dictionary for the grid keys of voxel hashing.
/// </summary>
internal sealed class LongIntMap
{
    private long[] _keys;
    private int[] _slots;
    private int _mask;

    public int Count { get; private set; }

    public LongIntMap(int capacity)
    {
        int size = 16;
        while (size < capacity * 2) size <<= 1;
        _keys = new long[size]; _slots = new int[size]; _mask = size - 1;
        Array.Fill(_slots, -1);
    }

    /// <summary>The key's slot, adding it with the next slot number if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int GetOrAdd(long key)
    {
        for (int h = Hash(key); ; h = (h + 1) & _mask)
        {
            int s = _slots[h];
            if (s < 0)
            {
                _keys[h] = key; _slots[h] = Count;
                if (++Count * 2 > _slots.Length) Grow();
                return Count - 1;
            }
            if (_keys[h] == key) return s;
        }
    }

    private int Hash(long key) => (int)StableHash.MultiplyShift((ulong)key, StableHash.GoldenGamma, 32) & _mask;

    private void Grow()
    {
        var keys = _keys; var slots = _slots;
        _keys = new long[keys.Length * 2]; _slots = new int[slots.Length * 2]; _mask = _slots.Length - 1;
        Array.Fill(_slots, -1);
        for (int i = 0; i < keys.Length; i++)
        {
            if (slots[i] < 0) continue;
            int h = Hash(keys[i]);
            while (_slots[h] >= 0) h = (h + 1) & _mask;
            _keys[h] = keys[i]; _slots[h] = slots[i];
        }
    }
}
