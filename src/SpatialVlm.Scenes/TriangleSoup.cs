using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// The world-space triangles of a scene, struct-of-arrays: three vertices and three shading normals per
/// triangle, an outward face normal (for culling) and a material index. Triangles do not share vertices.
/// </summary>
public sealed class TriangleSoup
{
    private Point3[] _v = new Point3[3 * 256];
    private Point3[] _n = new Point3[3 * 256];
    private Point3[] _face = new Point3[256];
    private int[] _material = new int[256];
    private readonly List<Material> _materials = [];

    public int Count { get; private set; }
    public ReadOnlySpan<Point3> Vertices => _v.AsSpan(0, 3 * Count);
    public ReadOnlySpan<Point3> Normals => _n.AsSpan(0, 3 * Count);
    public ReadOnlySpan<Point3> FaceNormals => _face.AsSpan(0, Count);
    public ReadOnlySpan<int> MaterialIndex => _material.AsSpan(0, Count);
    public IReadOnlyList<Material> Materials => _materials;

    public int AddMaterial(Material m) { _materials.Add(m); return _materials.Count - 1; }

    /// <summary>Adds a triangle whose outward face normal points away from <paramref name="inside"/> (a point inside the convex part).</summary>
    public void Add(Point3 a, Point3 b, Point3 c, Point3 na, Point3 nb, Point3 nc, Point3 inside, int material)
    {
        var face = (b - a).Cross(c - a);
        if (face.Dot((a + b + c) / 3 - inside) < 0) face = -face;
        var len = face.Length;
        if (len < 1e-18) return; // degenerate (a cone's tip): nothing to draw
        if (Count == _face.Length) Grow();
        int i = Count++;
        _v[3 * i] = a; _v[3 * i + 1] = b; _v[3 * i + 2] = c;
        _n[3 * i] = na; _n[3 * i + 1] = nb; _n[3 * i + 2] = nc;
        _face[i] = face / len;
        _material[i] = material;
    }

    private void Grow()
    {
        Array.Resize(ref _v, _v.Length * 2); Array.Resize(ref _n, _n.Length * 2);
        Array.Resize(ref _face, _face.Length * 2); Array.Resize(ref _material, _material.Length * 2);
    }
}
