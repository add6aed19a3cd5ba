using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>
/// An RGB-D folder's intrinsics.json: {"fx","fy","cx","cy","depth_scale" (default 1000), "depth_format" (png16 default,
/// tum, sun, nyu_raw)}, optionally "width"/"height"; Open3D's camera files ({"width","height","intrinsic_matrix"},
/// column-major 3x3) are read too. depth_scale applies to png16; the other formats fix their own units.
/// </summary>
public sealed record RgbdIntrinsics(double Fx, double Fy, double Cx, double Cy, double DepthScale, DepthFormat Format, int? Width, int? Height)
{
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
        return new RgbdIntrinsics(fx, fy, cx, cy, scale, format, width, height);
    }
}
