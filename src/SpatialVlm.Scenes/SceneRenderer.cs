using System.Buffers;
using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Rendered buffers of one view: colour, depth in millimetres (0 = none), instance ids, surface kinds.</summary>
public sealed record RenderBuffers(RgbImage Image, ushort[] DepthMillimeters, ushort[] Instances, ushort[] SurfaceIds);

/// <summary>
/// Z-buffer rasterizer for a scene layout. Geometry is drawn on a sample grid with the pixel centres on it
/// (2x2 samples per pixel plus a border when anti-aliasing), so depth, instance and surface come from the
/// exact pixel-centre sample, while colour near edges is the tent-filtered average of the 3x3 samples around
/// the centre. Shading: Lambert with a directional light and a shadow map, hemispheric ambient, texture factors.
/// </summary>
public static class SceneRenderer
{
    private const double NearPlane = 0.01;
    private const double ShadowBias = 0.006;
    private static readonly (float R, float G, float B) LightColor = (1.0f, 0.97f, 0.92f);

    public static RenderBuffers Render(SceneLayout layout, bool antiAlias)
    {
        var soup = SceneMeshBuilder.Build(layout);
        var k = layout.Intrinsics;
        int scale = antiAlias ? 2 : 1, offset = antiAlias ? 1 : 0;
        int hw = k.Width * scale + offset, hh = k.Height * scale + offset;
        // Sample buffers are large and short-lived: rent them rather than churn the large-object heap.
        var qArray = ArrayPool<float>.Shared.Rent(hw * hh);
        var idArray = ArrayPool<int>.Shared.Rent(hw * hh);
        try
        {
            var q = qArray.AsSpan(0, hw * hh); var ids = idArray.AsSpan(0, hw * hh);
            q.Clear();
            ids.Fill(-1);
            DrawCamera(soup, layout, scale, offset, hw, hh, q, ids);
            var shadow = ShadowMap.Build(soup, layout.Light.ToLight);
            var shader = new Shader(soup, layout, shadow, scale, offset);
            return Resolve(k, shader, scale, offset, hw, q, ids, antiAlias);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(qArray);
            ArrayPool<int>.Shared.Return(idArray);
        }
    }

    /// <summary>Visible pixel count per instance (index = instance id) from the pixel-centre samples alone, without shading.</summary>
    public static int[] CountVisiblePixels(SceneLayout layout)
    {
        var soup = SceneMeshBuilder.Build(layout);
        var k = layout.Intrinsics;
        int n = k.Width * k.Height;
        var qArray = ArrayPool<float>.Shared.Rent(n);
        var idArray = ArrayPool<int>.Shared.Rent(n);
        try
        {
            var q = qArray.AsSpan(0, n); var ids = idArray.AsSpan(0, n);
            q.Clear();
            ids.Fill(-1);
            // Floor and walls never hide an object (objects stand above the floor, inside the walls): skip them.
            DrawCamera(soup, layout, 1, 0, k.Width, k.Height, q, ids, objectsOnly: true);
            var instanceOf = new int[soup.Count];
            for (int t = 0; t < soup.Count; t++) instanceOf[t] = soup.Materials[soup.MaterialIndex[t]].Instance;
            var counts = new int[layout.Objects.Count + 1];
            foreach (var t in ids)
                if (t >= 0) counts[instanceOf[t]]++;
            return counts;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(qArray);
            ArrayPool<int>.Shared.Return(idArray);
        }
    }

    private static void DrawCamera(TriangleSoup soup, SceneLayout layout, int scale, int offset, int hw, int hh, Span<float> q, Span<int> ids, bool objectsOnly = false)
    {
        var materials = soup.Materials; var matIndex = soup.MaterialIndex;
        var k = layout.Intrinsics;
        var camFromWorld = layout.WorldFromCamera.Inverse();
        var cam = layout.CameraPosition;
        var v = soup.Vertices; var face = soup.FaceNormals;
        Span<Point3> poly = stackalloc Point3[4];
        Span<Point3> input = stackalloc Point3[3];
        for (int t = 0; t < soup.Count; t++)
        {
            if (face[t].Dot(v[3 * t] - cam) >= 0) continue; // back face
            if (objectsOnly && materials[matIndex[t]].Instance == 0) continue;
            input[0] = camFromWorld.Apply(v[3 * t]); input[1] = camFromWorld.Apply(v[3 * t + 1]); input[2] = camFromWorld.Apply(v[3 * t + 2]);
            int n = ClipNear(input, poly);
            if (n < 3) continue;
            double X(Point3 p) => scale * (k.Fx * p.X / p.Z + k.Cx) + offset;
            double Y(Point3 p) => scale * (k.Fy * p.Y / p.Z + k.Cy) + offset;
            for (int i = 1; i + 1 < n; i++)
                TriangleRasterizer.Fill(q, ids, hw, 0, hh,
                    X(poly[0]), Y(poly[0]), 1 / poly[0].Z, X(poly[i]), Y(poly[i]), 1 / poly[i].Z, X(poly[i + 1]), Y(poly[i + 1]), 1 / poly[i + 1].Z, t);
        }
    }

    // Sutherland–Hodgman against z ≥ NearPlane: a triangle becomes at most a quadrilateral.
    private static int ClipNear(ReadOnlySpan<Point3> tri, Span<Point3> outPoly)
    {
        int n = 0;
        for (int i = 0; i < 3; i++)
        {
            var a = tri[i]; var b = tri[(i + 1) % 3];
            bool ina = a.Z >= NearPlane, inb = b.Z >= NearPlane;
            if (ina) outPoly[n++] = a;
            if (ina != inb)
            {
                var s = (NearPlane - a.Z) / (b.Z - a.Z);
                outPoly[n++] = new Point3(a.X + s * (b.X - a.X), a.Y + s * (b.Y - a.Y), NearPlane);
            }
        }
        return n;
    }

    private static RenderBuffers Resolve(CameraIntrinsics k, Shader shader, int scale, int offset, int hw, ReadOnlySpan<float> q, ReadOnlySpan<int> ids, bool antiAlias)
    {
        int w = k.Width, h = k.Height;
        var image = new RgbImage(w, h);
        var depth = new ushort[w * h];
        var instances = new ushort[w * h];
        var surfaces = new ushort[w * h];
        var px = image.Pixels;
        var materials = shader.Soup.Materials.ToArray();
        var matIndex = shader.Soup.MaterialIndex;
        var face = shader.Soup.FaceNormals;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int hx = scale * x + offset, hy = scale * y + offset, c = hy * hw + hx, i = y * w + x;
                int t = ids[c];
                if (t >= 0)
                {
                    var mm = Math.Round(1000.0 / q[c]);
                    depth[i] = mm <= 65535 ? (ushort)Math.Max(mm, 1) : (ushort)0; // beyond 65.5 m: no depth
                    var m = materials[matIndex[t]];
                    instances[i] = m.Instance;
                    surfaces[i] = m.Surface;
                }
                (float R, float G, float B) col;
                if (!antiAlias || SmoothAround(ids, hw, c, t, matIndex, face)) col = shader.Shade(hx, hy, t, q[c]);
                else
                {
                    float r = 0, g = 0, b = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            var wgt = (dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1) / 16f;
                            int s = c + dy * hw + dx;
                            var sc = shader.Shade(hx + dx, hy + dy, ids[s], q[s]);
                            r += wgt * sc.R; g += wgt * sc.G; b += wgt * sc.B;
                        }
                    col = (r, g, b);
                }
                px[3 * i] = ToByte(col.R); px[3 * i + 1] = ToByte(col.G); px[3 * i + 2] = ToByte(col.B);
            }
        return new RenderBuffers(image, depth, instances, surfaces);
    }

    /// <summary>
    /// True when the 3x3 samples around c all show the same smooth surface as c (same triangle, or the same
    /// material with a face normal within ~45°, like neighbouring facets of a cylinder): no edge to anti-alias.
    /// </summary>
    private static bool SmoothAround(ReadOnlySpan<int> ids, int hw, int c, int t, ReadOnlySpan<int> matIndex, ReadOnlySpan<Point3> face)
    {
        for (int dy = -hw; dy <= hw; dy += hw)
            for (int dx = -1; dx <= 1; dx++)
            {
                var s = ids[c + dy + dx];
                if (s == t) continue;
                if (s < 0 || t < 0 || matIndex[s] != matIndex[t] || face[s].Dot(face[t]) < 0.7) return false;
            }
        return true;
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)(v * 255f + 0.5f), 0, 255);

    /// <summary>Colour of one sample: world point from depth, interpolated normal, texture, light and shadow.</summary>
    private sealed class Shader
    {
        public TriangleSoup Soup { get; }
        private readonly ShadowMap _shadow;
        private readonly Point3[] _a, _q1, _q2, _na, _dnb, _dnc;
        private readonly Material[] _material;
        private readonly bool[] _flat;
        private readonly double _roomSin, _roomCos, _ambient, _diffuse;
        private readonly Point3[] _rayColumn, _rayRow;
        private readonly Point3 _t, _toLight;

        public Shader(TriangleSoup soup, SceneLayout layout, ShadowMap shadow, int scale, int offset)
        {
            Soup = soup; _shadow = shadow;
            int n = soup.Count;
            _a = new Point3[n]; _q1 = new Point3[n]; _q2 = new Point3[n]; _na = new Point3[n]; _dnb = new Point3[n]; _dnc = new Point3[n];
            _material = new Material[n];
            _flat = new bool[n];
            var v = soup.Vertices; var normals = soup.Normals;
            for (int t = 0; t < n; t++)
            {
                // Dual vectors: for p on the triangle, barycentric (b, c) = ((p − A)·q1, (p − A)·q2).
                var e1 = v[3 * t + 1] - v[3 * t]; var e2 = v[3 * t + 2] - v[3 * t];
                double d00 = e1.Dot(e1), d01 = e1.Dot(e2), d11 = e2.Dot(e2), den = d00 * d11 - d01 * d01;
                _a[t] = v[3 * t];
                _q1[t] = (e1 * d11 - e2 * d01) / den;
                _q2[t] = (e2 * d00 - e1 * d01) / den;
                _na[t] = normals[3 * t];
                _dnb[t] = normals[3 * t + 1] - normals[3 * t];
                _dnc[t] = normals[3 * t + 2] - normals[3 * t];
                _material[t] = soup.Materials[soup.MaterialIndex[t]];
                _flat[t] = _dnb[t] == Point3.Zero && _dnc[t] == Point3.Zero && Math.Abs(_na[t].Dot(_na[t]) - 1) < 1e-12;
            }
            (_roomSin, _roomCos) = PortableTrig.SinCos(layout.Room.Yaw);
            _t = layout.WorldFromCamera.Translation;
            var k = layout.Intrinsics;
            (_toLight, _ambient, _diffuse) = (layout.Light.ToLight, layout.Light.Ambient, layout.Light.Diffuse);
            // World direction of the ray through sample (i, j), scaled to unit camera depth: column part + row part.
            var pose = layout.WorldFromCamera;
            _rayColumn = new Point3[k.Width * scale + offset];
            for (int i = 0; i < _rayColumn.Length; i++) _rayColumn[i] = pose.Column(0) * (((i - offset) / (double)scale - k.Cx) / k.Fx);
            _rayRow = new Point3[k.Height * scale + offset];
            for (int j = 0; j < _rayRow.Length; j++) _rayRow[j] = pose.Column(1) * (((j - offset) / (double)scale - k.Cy) / k.Fy) + pose.Column(2);
        }

        public (float R, float G, float B) Shade(int hx, int hy, int t, float invZ)
        {
            var ray = _rayColumn[hx] + _rayRow[hy];
            if (t < 0) return Backdrop(ray.Z);
            var p = _t + ray * (1.0 / invZ);
            Point3 n;
            if (_flat[t]) n = _na[t];
            else
            {
                var d = p - _a[t];
                double l1 = d.Dot(_q1[t]), l2 = d.Dot(_q2[t]);
                var nu = _na[t] + _dnb[t] * l1 + _dnc[t] * l2;
                n = nu * (1 / Math.Sqrt(nu.Dot(nu)));
            }
            ref readonly var m = ref _material[t];
            double a = _roomCos * p.X + _roomSin * p.Y, b = -_roomSin * p.X + _roomCos * p.Y;
            var tex = SurfaceTexture.Factor(m.Pattern, p, a, b);
            var ndl = n.Dot(_toLight);
            var lit = _ambient * (0.8 + 0.2 * n.Z);
            if (ndl > 0) lit += _diffuse * ndl * _shadow.Lit(p);
            var f = (float)lit * tex;
            return (m.R * f * LightColor.R, m.G * f * LightColor.G, m.B * f * LightColor.B);
        }

        // Behind the room: a soft gray gradient by the ray's elevation.
        private static (float, float, float) Backdrop(double rayUp)
        {
            var s = (float)Math.Clamp(0.55 + 0.8 * rayUp, 0, 1);
            return (0.34f + 0.36f * s, 0.36f + 0.37f * s, 0.40f + 0.38f * s);
        }
    }

    /// <summary>Orthographic depth map of the objects' light-facing-away faces, seen from the directional light.</summary>
    private sealed class ShadowMap
    {
        private readonly float[] _h;
        private readonly int _w, _hgt;
        private readonly Point3 _u, _v, _l;
        private readonly double _u0, _v0, _texel;

        private ShadowMap(float[] h, int w, int hgt, Point3 u, Point3 v, Point3 l, double u0, double v0, double texel)
        { _h = h; _w = w; _hgt = hgt; _u = u; _v = v; _l = l; _u0 = u0; _v0 = v0; _texel = texel; }

        public static ShadowMap Build(TriangleSoup soup, Point3 toLight)
        {
            var l = toLight.Normalized();
            var u = l.Cross(new Point3(0, 0, 1)).Normalized();
            var v = l.Cross(u);
            var verts = soup.Vertices; var face = soup.FaceNormals; var mats = soup.MaterialIndex;
            double u0 = double.MaxValue, v0 = double.MaxValue, u1 = double.MinValue, v1 = double.MinValue;
            var occluders = new List<int>();
            for (int t = 0; t < soup.Count; t++)
            {
                if (soup.Materials[mats[t]].Instance == 0 || face[t].Dot(l) >= 0) continue;
                occluders.Add(t);
                for (int j = 0; j < 3; j++)
                {
                    var p = verts[3 * t + j];
                    double pu = p.Dot(u), pv = p.Dot(v);
                    u0 = Math.Min(u0, pu); u1 = Math.Max(u1, pu); v0 = Math.Min(v0, pv); v1 = Math.Max(v1, pv);
                }
            }
            if (occluders.Count == 0) return new ShadowMap([], 0, 0, u, v, l, 0, 0, 1);
            var texel = Math.Max(0.005, Math.Max(u1 - u0, v1 - v0) / 640);
            u0 -= 2 * texel; v0 -= 2 * texel;
            int w = (int)Math.Ceiling((u1 - u0) / texel) + 3, hgt = (int)Math.Ceiling((v1 - v0) / texel) + 3;
            var h = new float[w * hgt];
            Array.Fill(h, float.NegativeInfinity);
            foreach (var t in occluders)
            {
                var a = verts[3 * t]; var b = verts[3 * t + 1]; var c = verts[3 * t + 2];
                TriangleRasterizer.Fill(h, Span<int>.Empty, w, 0, hgt,
                    (a.Dot(u) - u0) / texel, (a.Dot(v) - v0) / texel, a.Dot(l),
                    (b.Dot(u) - u0) / texel, (b.Dot(v) - v0) / texel, b.Dot(l),
                    (c.Dot(u) - u0) / texel, (c.Dot(v) - v0) / texel, c.Dot(l), 0);
            }
            return new ShadowMap(h, w, hgt, u, v, l, u0, v0, texel);
        }

        /// <summary>Fraction of light reaching p, bilinear percentage-closer filtered over the four nearest texels.</summary>
        public double Lit(Point3 p)
        {
            if (_w == 0) return 1;
            double fx = (p.Dot(_u) - _u0) / _texel, fy = (p.Dot(_v) - _v0) / _texel;
            int ix = (int)Math.Floor(fx), iy = (int)Math.Floor(fy);
            if (ix < 0 || iy < 0 || ix + 1 >= _w || iy + 1 >= _hgt) return 1;
            double wx = fx - ix, wy = fy - iy, hp = p.Dot(_l) + ShadowBias;
            int i = iy * _w + ix;
            double s00 = _h[i] > hp ? 0 : 1, s10 = _h[i + 1] > hp ? 0 : 1, s01 = _h[i + _w] > hp ? 0 : 1, s11 = _h[i + _w + 1] > hp ? 0 : 1;
            return (s00 * (1 - wx) + s10 * wx) * (1 - wy) + (s01 * (1 - wx) + s11 * wx) * wy;
        }
    }
}
