using System.Buffers.Binary;
using SpatialVlm.Core;

namespace SpatialVlm.Imaging;

/// <summary>
/// The checked colour-decoding path the input sources use: any format Skia reads plus binary PPM/PGM, every
/// failure a one-line <see cref="SpatialVlmException"/> (empty, truncated, corrupt, oversized), and the pixel
/// limit enforced from the header before any pixel buffer is allocated.
/// </summary>
public static class ColorImageFile
{
    private static readonly byte[] PngSignature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static RgbImage Decode(byte[] bytes, string source = "image", ColorDecodeOptions? options = null)
    {
        options ??= new ColorDecodeOptions();
        if (bytes.Length == 0) throw new SpatialVlmException($"{source}: empty file");
        if (NetPbm.IsNetPbm(bytes)) return NetPbm.ReadColor(bytes, source, options.MaxPixels);
        if (bytes.Length >= 24 && bytes.AsSpan(0, 8).SequenceEqual(PngSignature))
        {
            // IHDR is the first chunk: width and height at bytes 16..23.
            long w = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), h = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20));
            if (w * h > options.MaxPixels)
                throw new SpatialVlmException($"{source}: image is {w}x{h}, over the {options.MaxPixels:N0}-pixel limit");
        }
        try
        {
            return ColorImageCodec.Decode(bytes, source, options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OutOfMemoryException)
        {
            throw new SpatialVlmException($"{source}: cannot decode image ({e.Message.Split('\n')[0]})", e);
        }
    }

    public static RgbImage DecodeFile(string path, ColorDecodeOptions? options = null)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file");
        return Decode(RegularFile.ReadAllBytes(path), path, options);
    }
}
