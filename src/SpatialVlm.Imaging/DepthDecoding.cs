using SpatialVlm.Core;

namespace SpatialVlm.Imaging;

/// <summary>How a depth file stores distance (INTERFACES.md "Input folders", shared/data/rgbd/README.md).</summary>
public enum DepthFormat
{
    /// <summary>16-bit PNG, value / depth_scale = meters (Redwood, most RGB-D sets: scale 1000, millimeters); 0 = none.</summary>
    Png16,
    /// <summary>TUM RGB-D: 16-bit PNG, value / 5000 = meters; 0 = none.</summary>
    Tum,
    /// <summary>SUN RGB-D: 16-bit PNG whose bits are rotated: mm = (d &gt;&gt; 3) | (d &lt;&lt; 13) in 16 bits; 0 = none.</summary>
    Sun,
    /// <summary>
    /// NYU Depth v2 raw Kinect: 16-bit PGM of disparity d; 2047 = none; meters = 351.3 / (1092.5 − d). The dumps hold
    /// the Kinect's little-endian samples in a (big-endian) PGM, so a PGM reader sees the bytes swapped (2047 reads
    /// as 65287); the bytes are swapped back first, as Open3D's CreateFromNYUFormat does.
    /// </summary>
    NyuRaw,
}

/// <summary>Raw depth files → metric <see cref="DepthMap"/>s, for each <see cref="DepthFormat"/>.</summary>
public static class DepthDecoding
{
    public const double TumScale = 5000;
    public const ushort NyuInvalid = 2047;

    /// <summary>The intrinsics.json spelling: png16, tum, sun, nyu_raw.</summary>
    public static DepthFormat ParseFormat(string name) => name.Trim().ToLowerInvariant() switch
    {
        "png16" or "png" or "redwood" => DepthFormat.Png16,
        "tum" => DepthFormat.Tum,
        "sun" => DepthFormat.Sun,
        "nyu_raw" or "nyu" => DepthFormat.NyuRaw,
        _ => throw new SpatialVlmException($"depth_format '{name}' is not one of png16, tum, sun, nyu_raw"),
    };

    /// <summary>
    /// Meters for one stored sample (for NyuRaw the disparity after the byte swap); 0 when the sample holds no
    /// measurement. depthScale is used by Png16 only.
    /// </summary>
    public static float ToMeters(ushort raw, DepthFormat format, double depthScale = 1000) => format switch
    {
        DepthFormat.Png16 => (float)(raw / depthScale),
        DepthFormat.Tum => (float)(raw / TumScale),
        DepthFormat.Sun => (float)(UnrotateSun(raw) / 1000.0),
        DepthFormat.NyuRaw => raw == NyuInvalid || raw >= 1092 ? 0f : (float)(351.3 / (1092.5 - raw)),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The intrinsics.json spelling of a format (the inverse of <see cref="ParseFormat"/>).</summary>
    public static string FormatName(DepthFormat format) => format switch
    {
        DepthFormat.Png16 => "png16",
        DepthFormat.Tum => "tum",
        DepthFormat.Sun => "sun",
        DepthFormat.NyuRaw => "nyu_raw",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>SUN RGB-D stores millimeters with the 16 bits rotated left by 3; this rotates them back.</summary>
    public static ushort UnrotateSun(ushort d) => (ushort)((d >> 3) | (d << 13));

    /// <summary>Decodes a depth file's bytes (16-bit PNG, or PGM for NyuRaw) to meters.</summary>
    public static DepthMap Decode(byte[] bytes, DepthFormat format, double depthScale = 1000, string source = "depth")
    {
        if (format == DepthFormat.Png16 && !(depthScale > 0 && double.IsFinite(depthScale)))
            throw new SpatialVlmException($"{source}: depth_scale {depthScale} must be a positive number");
        var (raw, w, h) = format == DepthFormat.NyuRaw ? NetPbm.ReadGray(bytes, source) : Png16.Read(bytes, source);
        if (format == DepthFormat.NyuRaw)
            for (int i = 0; i < raw.Length; i++) raw[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw[i]);
        // A lookup table over all 65536 codes: one division per code, not per pixel.
        var table = new float[65536];
        for (int v = 0; v < table.Length; v++) table[v] = ToMeters((ushort)v, format, depthScale);
        var meters = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++) meters[i] = table[raw[i]];
        return new DepthMap(w, h, meters);
    }

    public static DepthMap DecodeFile(string path, DepthFormat format, double depthScale = 1000)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file");
        return Decode(RegularFile.ReadAllBytes(path), format, depthScale, path);
    }
}
