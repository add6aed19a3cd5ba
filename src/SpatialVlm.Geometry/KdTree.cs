using System.Runtime.CompilerServices;
namespace SpatialVlm.Geometry;

/// <summary>
/// A balanced 3-d tree over a cloud's points for exact k-nearest and radius queries. The tree is implicit:
/// each node splits its index range at the middle along its widest axis, so only the split axis and value
/// are stored, and the points are copied in tree order so leaves scan contiguous memory. Queries are
/// thread-safe (the tree is immutable after construction).
/// </summary>
public sealed class KdTree
{
    private const int LeafSize = 12;
    private readonly float[] _x, _y, _z;   // points in tree order
    private readonly int[] _order;          // tree position → cloud index
    private readonly byte[] _axis;          // per internal node (heap order)
    private readonly float[] _split;
    private readonly int _depth;            // nodes at this depth are leaves

    public int Count { get; }

    public KdTree(PointCloud cloud)
    {
        int n = cloud.Count;
        Count = n;
        _order = new int[n];
        for (int i = 0; i < n; i++) _order[i] = i;
        int depth = 0;
        while ((n >> depth) > LeafSize) depth++;
        _depth = depth;
        int internalNodes = (1 << depth) - 1;
        _axis = new byte[internalNodes];
        _split = new float[internalNodes];
        var keys = new float[n];
        Build(cloud, keys, 0, 0, n, 0);
        _x = new float[n]; _y = new float[n]; _z = new float[n];
        for (int i = 0; i < n; i++)
        {
            var j = _order[i];
            _x[i] = cloud.X[j]; _y[i] = cloud.Y[j]; _z[i] = cloud.Z[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Build(PointCloud c, float[] keys, int node, int lo, int hi, int level)
    {
        if (level == _depth) return;
        float minX = float.MaxValue, minY = float.MaxValue, minZ = float.MaxValue;
        float maxX = float.MinValue, maxY = float.MinValue, maxZ = float.MinValue;
        for (int i = lo; i < hi; i++)
        {
            var j = _order[i];
            float x = c.X[j], y = c.Y[j], z = c.Z[j];
            if (x < minX) minX = x; if (x > maxX) maxX = x;
            if (y < minY) minY = y; if (y > maxY) maxY = y;
            if (z < minZ) minZ = z; if (z > maxZ) maxZ = z;
        }
        float ex = maxX - minX, ey = maxY - minY, ez = maxZ - minZ;
        byte axis = ex >= ey && ex >= ez ? (byte)0 : ey >= ez ? (byte)1 : (byte)2;
        var src = axis == 0 ? c.X : axis == 1 ? c.Y : c.Z;
        for (int i = lo; i < hi; i++) keys[i] = src[_order[i]];
        int mid = lo + (hi - lo) / 2;
        Select(keys, _order, lo, hi - 1, mid);
        _axis[node] = axis;
        _split[node] = keys[mid];
        Build(c, keys, 2 * node + 1, lo, mid, level + 1);
        Build(c, keys, 2 * node + 2, mid, hi, level + 1);
    }

    // Quickselect: afterwards keys[lo..k) ≤ keys[k] ≤ keys(k..hi], with items moved alongside.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Select(float[] keys, int[] items, int lo, int hi, int k)
    {
        while (hi > lo)
        {
            int m = lo + (hi - lo) / 2;
            // median of three as pivot
            if (keys[m] < keys[lo]) Swap(keys, items, m, lo);
            if (keys[hi] < keys[lo]) Swap(keys, items, hi, lo);
            if (keys[hi] < keys[m]) Swap(keys, items, hi, m);
            float pivot = keys[m];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot) i++;
                while (keys[j] > pivot) j--;
                if (i <= j) { Swap(keys, items, i, j); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return;
        }
    }

    private static void Swap(float[] keys, int[] items, int a, int b)
    {
        (keys[a], keys[b]) = (keys[b], keys[a]);
        (items[a], items[b]) = (items[b], items[a]);
    }

    /// <summary>
    /// The min(k, Count) nearest points to (x, y, z), nearest first: cloud indices into <paramref name="idx"/>,
    /// squared distances into <paramref name="dist2"/>. Returns how many were found.
    /// </summary>
    public int KNearest(float x, float y, float z, int k, Span<int> idx, Span<float> dist2)
    {
        k = Math.Min(k, Count);
        if (k <= 0) return 0;
        if (idx.Length < k || dist2.Length < k) throw new ArgumentException("output spans are shorter than k");
        var heap = new KnnHeap(idx[..k], dist2[..k]);
        SearchKnn(ref heap, x, y, z, 0, 0, Count, 0);
        heap.SortAscending();
        for (int i = 0; i < k; i++) idx[i] = _order[idx[i]];
        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchKnn(ref KnnHeap heap, float x, float y, float z, int node, int lo, int hi, int level)
    {
        if (level == _depth)
        {
            for (int i = lo; i < hi; i++)
            {
                float dx = _x[i] - x, dy = _y[i] - y, dz = _z[i] - z;
                float d2 = dx * dx + dy * dy + dz * dz;
                if (d2 < heap.Worst) heap.Push(i, d2);
            }
            return;
        }
        int mid = lo + (hi - lo) / 2;
        int axis = _axis[node];
        float diff = (axis == 0 ? x : axis == 1 ? y : z) - _split[node];
        if (diff < 0)
        {
            SearchKnn(ref heap, x, y, z, 2 * node + 1, lo, mid, level + 1);
            if (diff * diff < heap.Worst) SearchKnn(ref heap, x, y, z, 2 * node + 2, mid, hi, level + 1);
        }
        else
        {
            SearchKnn(ref heap, x, y, z, 2 * node + 2, mid, hi, level + 1);
            if (diff * diff < heap.Worst) SearchKnn(ref heap, x, y, z, 2 * node + 1, lo, mid, level + 1);
        }
    }

    /// <summary>Clears <paramref name="result"/> and fills it with the cloud indices of points within distance r (inclusive), in no particular order.</summary>
    public int Radius(float x, float y, float z, float r, List<int> result)
    {
        result.Clear();
        if (Count == 0) return 0;
        SearchRadius(result, x, y, z, r * r, 0, 0, Count, 0);
        return result.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchRadius(List<int> result, float x, float y, float z, float r2, int node, int lo, int hi, int level)
    {
        if (level == _depth)
        {
            for (int i = lo; i < hi; i++)
            {
                float dx = _x[i] - x, dy = _y[i] - y, dz = _z[i] - z;
                if (dx * dx + dy * dy + dz * dz <= r2) result.Add(_order[i]);
            }
            return;
        }
        int mid = lo + (hi - lo) / 2;
        int axis = _axis[node];
        float diff = (axis == 0 ? x : axis == 1 ? y : z) - _split[node];
        if (diff <= 0 || diff * diff <= r2) SearchRadius(result, x, y, z, r2, 2 * node + 1, lo, mid, level + 1);
        if (diff >= 0 || diff * diff <= r2) SearchRadius(result, x, y, z, r2, 2 * node + 2, mid, hi, level + 1);
    }

    /// <summary>How many points lie within distance r (inclusive), counting stops once it reaches <paramref name="limit"/>.</summary>
    public int CountWithin(float x, float y, float z, float r, int limit = int.MaxValue)
    {
        if (Count == 0 || limit <= 0) return 0;
        int count = 0;
        CountRadius(ref count, limit, x, y, z, r * r, 0, 0, Count, 0);
        return Math.Min(count, limit);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CountRadius(ref int count, int limit, float x, float y, float z, float r2, int node, int lo, int hi, int level)
    {
        if (count >= limit) return;
        if (level == _depth)
        {
            for (int i = lo; i < hi; i++)
            {
                float dx = _x[i] - x, dy = _y[i] - y, dz = _z[i] - z;
                if (dx * dx + dy * dy + dz * dz <= r2) count++;
            }
            return;
        }
        int mid = lo + (hi - lo) / 2;
        int axis = _axis[node];
        float diff = (axis == 0 ? x : axis == 1 ? y : z) - _split[node];
        if (diff <= 0 || diff * diff <= r2) CountRadius(ref count, limit, x, y, z, r2, 2 * node + 1, lo, mid, level + 1);
        if (diff >= 0 || diff * diff <= r2) CountRadius(ref count, limit, x, y, z, r2, 2 * node + 2, mid, hi, level + 1);
    }

    /// <summary>A bounded max-heap on squared distance over caller-owned spans.</summary>
    private ref struct KnnHeap(Span<int> idx, Span<float> d2)
    {
        private readonly Span<int> _idx = idx;
        private readonly Span<float> _d2 = d2;
        private int _n;

        public readonly float Worst => _n < _d2.Length ? float.PositiveInfinity : _d2[0];

        public void Push(int item, float dist2)
        {
            if (_n < _d2.Length)
            {
                int i = _n++;
                while (i > 0)
                {
                    int p = (i - 1) >> 1;
                    if (_d2[p] >= dist2) break;
                    _d2[i] = _d2[p]; _idx[i] = _idx[p]; i = p;
                }
                _d2[i] = dist2; _idx[i] = item;
            }
            else
            {
                SiftDown(0, _n, item, dist2);
            }
        }

        private readonly void SiftDown(int i, int n, int item, float dist2)
        {
            while (true)
            {
                int c = 2 * i + 1;
                if (c >= n) break;
                if (c + 1 < n && _d2[c + 1] > _d2[c]) c++;
                if (_d2[c] <= dist2) break;
                _d2[i] = _d2[c]; _idx[i] = _idx[c]; i = c;
            }
            _d2[i] = dist2; _idx[i] = item;
        }

        /// <summary>Heap-sort in place: nearest first.</summary>
        public void SortAscending()
        {
            for (int end = _n - 1; end > 0; end--)
            {
                float d = _d2[end]; int it = _idx[end];
                _d2[end] = _d2[0]; _idx[end] = _idx[0];
                SiftDown(0, end, it, d);
            }
        }
    }
}
