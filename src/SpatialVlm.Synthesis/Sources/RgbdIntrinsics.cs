using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// An RGB-D folder's intrinsics.json: {"fx","fy","cx","cy","depth_scale" (default 1000), "depth_format" (png16 default,
/// tum, sun, nyu_raw)}, optionally "width"/"height"; Open3D's camera files ({"width","height","intrinsic_matrix"},
/// column-major 3x3) are read too. depth_scale applies to png16; the other formats fix their own units. A known pose
/// (SPATIAL.md, robot datasets) may be given as "gravity" (a unit 3-vector in camera coordinates pointing down) or
/// "world_from_camera" (4x4, row-major, world z up; only its gravity is used, the support plane and forward still come
/// from the depth by SPATIAL.md's rules); both together must agree within 2°.
/// </summary>
public sealed record RgbdIntrinsics(double Fx, double Fy, double Cx, double Cy, double DepthScale, DepthFormat Format, int? Width, int? Height)
{
    /// <summary>Known gravity in camera coordinates (unit, pointing down), from "gravity" or "world_from_camera"; null when not given.</summary>
    public Point3? Gravity { get; init; }

    public CameraIntrinsics For(int width, int height, string source)
    {
        if ((Width is int w && w != width) || (Height is int h && h != height))
            throw new SpatialVlmException($"{source}: image is {width}x{height} but intrinsics.json is for {Width}x{Height}");
        // A principal point off the frame means intrinsics for another resolution; every 3D point would be skewed.
        if (!(Cx >= 0 && Cx <= width && Cy >= 0 && Cy <= height))
            throw new SpatialVlmException($"{source}: intrinsics.json's principal point ({Cx}, {Cy}) lies outside the {width}x{height} frame (intrinsics for another resolution?)");
        return new CameraIntrinsics(width, height, Fx, Fy, Cx, Cy);
    }

    public static RgbdIntrinsics Load(string path)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file (an RGB-D folder needs intrinsics.json with fx, fy, cx, cy, depth_scale)");
        try
        {
            using var doc = JsonDocument.Parse(RegularFile.ReadAllBytes(path));
            return Parse(doc.RootElement, path);
        }
        catch (JsonException e) { throw new SpatialVlmException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})", e); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new SpatialVlmException($"{path}: intrinsics fields must be numbers ({e.Message.Split('\n')[0]})", e);
        }
    }

    public static RgbdIntrinsics Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new SpatialVlmException($"{source}: expected a JSON object");
        double? Num(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetDouble() : null;
        int? width = Num("width") is double dw ? (int)dw : null, height = Num("height") is double dh ? (int)dh : null;
        double fx, fy, cx, cy;
        if (root.TryGetProperty("intrinsic_matrix", out var m))
        {
            var k = m.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            if (k.Length != 9) throw new SpatialVlmException($"{source}: intrinsic_matrix must have 9 numbers");
            (fx, fy, cx, cy) = (k[0], k[4], k[6], k[7]); // column-major, as Open3D writes it
        }
        else
        {
            var missing = new[] { "fx", "fy", "cx", "cy" }.Where(n => Num(n) is null).ToArray();
            if (missing.Length > 0) throw new SpatialVlmException($"{source}: missing {string.Join(", ", missing)}");
            (fx, fy, cx, cy) = (Num("fx")!.Value, Num("fy")!.Value, Num("cx")!.Value, Num("cy")!.Value);
        }
        if (!(fx > 0 && fy > 0 && double.IsFinite(fx) && double.IsFinite(fy) && double.IsFinite(cx) && double.IsFinite(cy)))
            throw new SpatialVlmException($"{source}: focal lengths must be positive and all intrinsics finite");
        var scale = Num("depth_scale") ?? 1000;
        if (!(scale > 0 && double.IsFinite(scale))) throw new SpatialVlmException($"{source}: depth_scale must be positive");
        var format = DepthFormat.Png16;
        if (root.TryGetProperty("depth_format", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.String) throw new SpatialVlmException($"{source}: depth_format must be a string (png16, tum, sun, nyu_raw)");
            try { format = DepthDecoding.ParseFormat(f.GetString()!); }
            catch (SpatialVlmException e) { throw new SpatialVlmException($"{source}: {e.Message}", e); }
        }
        return new RgbdIntrinsics(fx, fy, cx, cy, scale, format, width, height) { Gravity = KnownGravity(root, source) };
    }

    /// <summary>"gravity" and/or "world_from_camera" as a unit down vector in camera coordinates, or null.</summary>
    private static Point3? KnownGravity(JsonElement root, string source)
    {
        Point3? gravity = null, fromPose = null;
        if (root.TryGetProperty("gravity", out var g) && g.ValueKind != JsonValueKind.Null)
        {
            var v = Numbers(g, 3, $"{source}: gravity must be 3 finite numbers (a unit vector in camera coordinates, pointing down)");
            var p = new Point3(v[0], v[1], v[2]);
            if (Math.Abs(p.Length - 1) > 0.01) throw new SpatialVlmException($"{source}: gravity must be a unit vector, its length is {p.Length:0.####}");
            gravity = p.Normalized();
        }
        if (root.TryGetProperty("world_from_camera", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            const string shape = "world_from_camera must be a 4x4 array of finite numbers (row-major)";
            if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() != 4) throw new SpatialVlmException($"{source}: {shape}");
            var rows = m.EnumerateArray().Select(r => Numbers(r, 4, $"{source}: {shape}")).ToArray();
            if (Math.Abs(rows[3][0]) > 1e-6 || Math.Abs(rows[3][1]) > 1e-6 || Math.Abs(rows[3][2]) > 1e-6 || Math.Abs(rows[3][3] - 1) > 1e-6)
                throw new SpatialVlmException($"{source}: world_from_camera's last row must be [0, 0, 0, 1]");
            var r = new Point3[3];
            for (int i = 0; i < 3; i++) r[i] = new Point3(rows[i][0], rows[i][1], rows[i][2]);
            double worst = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) worst = Math.Max(worst, Math.Abs(r[i].Dot(r[j]) - (i == j ? 1 : 0)));
            if (worst > 1e-3 || r[0].Cross(r[1]).Dot(r[2]) < 0)
                throw new SpatialVlmException($"{source}: world_from_camera's rotation is not a rotation (orthonormal, determinant +1)");
            // World down (0, 0, −1) in camera coordinates: −(third row of R), since camera = Rᵀ · world.
            fromPose = (-r[2]).Normalized();
        }
        if (gravity is { } a && fromPose is { } b && Math.Acos(Math.Clamp(a.Dot(b), -1, 1)) * 180 / Math.PI > 2)
            throw new SpatialVlmException($"{source}: gravity and world_from_camera disagree by {Math.Acos(Math.Clamp(a.Dot(b), -1, 1)) * 180 / Math.PI:0.#}°");
        return gravity ?? fromPose;
    }

    private static double[] Numbers(JsonElement e, int count, string error)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != count) throw new SpatialVlmException(error);
        var values = new double[count];
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetDouble(out var d) || !double.IsFinite(d)) throw new SpatialVlmException(error);
            values[i++] = d;
        }
        return values;
    }
}
