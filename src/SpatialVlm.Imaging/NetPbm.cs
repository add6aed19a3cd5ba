using System.Buffers.Binary;
using SpatialVlm.Core;

namespace SpatialVlm.Imaging;

/// <summary>Header of a binary Netpbm image (P5 gray or P6 RGB): size, maximum sample value, where the samples start.</summary>
public readonly record struct NetPbmHeader(char Kind, int Width, int Height, int MaxValue, int DataOffset)
{
    public int Channels => Kind == '6' ? 3 : 1;
    public int BytesPerSample => MaxValue > 255 ? 2 : 1;
    public long DataLength => (long)Width * Height * Channels * BytesPerSample;
}

/// <summary>
/// Binary Netpbm (PGM P5, PPM P6) as NYU Depth v2's raw dumps use: 8- or 16-bit samples, 16-bit ones big-endian.
/// Skia does not read Netpbm, so this is parsed here; the header is checked before anything is allocated.
/// </summary>
public static class NetPbm
{
    public static bool IsNetPbm(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '6');

    public static NetPbmHeader ReadHeader(ReadOnlySpan<byte> bytes, string source = "image", long maxPixels = 64_000_000)
    {
        if (!IsNetPbm(bytes)) throw new SpatialVlmException($"{source}: not a binary PGM/PPM file (P5 or P6)");
        int pos = 2;
        var width = NextNumber(bytes, ref pos, source);
        var height = NextNumber(bytes, ref pos, source);
        var max = NextNumber(bytes, ref pos, source);
        // Exactly one whitespace byte separates the header from the samples.
        if (pos >= bytes.Length || !IsSpace(bytes[pos])) throw new SpatialVlmException($"{source}: truncated PGM/PPM header");
        pos++;
        if (width <= 0 || height <= 0) throw new SpatialVlmException($"{source}: image has no pixels");
        if (max is <= 0 or > 65535) throw new SpatialVlmException($"{source}: PGM/PPM maximum value {max} is not in 1..65535");
        if ((long)width * height > maxPixels)
            throw new SpatialVlmException($"{source}: image is {width}x{height}, over the {maxPixels:N0}-pixel limit");
        var header = new NetPbmHeader((char)bytes[1], width, height, max, pos);
        if (bytes.Length - pos < header.DataLength)
            throw new SpatialVlmException($"{source}: truncated PGM/PPM ({bytes.Length - pos} of {header.DataLength} sample bytes)");
        return header;
    }

    /// <summary>Samples of a P5 (gray) file as 16-bit values (8-bit files are widened unchanged).</summary>
    public static (ushort[] Values, int Width, int Height) ReadGray(byte[] bytes, string source = "image")
    {
        var h = ReadHeader(bytes, source);
        if (h.Kind != '5') throw new SpatialVlmException($"{source}: expected a grayscale PGM (P5), got P{h.Kind}");
        var data = bytes.AsSpan(h.DataOffset);
        var values = new ushort[h.Width * h.Height];
        if (h.BytesPerSample == 2)
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(2 * i)..]);
        else
            for (int i = 0; i < values.Length; i++) values[i] = data[i];
        return (values, h.Width, h.Height);
    }

    /// <summary>A P6 (or P5, replicated to gray RGB) file as 8-bit RGB, samples rescaled from 0..max to 0..255.</summary>
    public static RgbImage ReadColor(byte[] bytes, string source = "image", long maxPixels = 64_000_000)
    {
        var h = ReadHeader(bytes, source, maxPixels);
        var data = bytes.AsSpan(h.DataOffset);
        var img = new RgbImage(h.Width, h.Height);
        var dst = img.Pixels;
        int samples = h.Width * h.Height * h.Channels;
        for (int s = 0; s < samples; s++)
        {
            int v = h.BytesPerSample == 2 ? BinaryPrimitives.ReadUInt16BigEndian(data[(2 * s)..]) : data[s];
            var b = (byte)(h.MaxValue == 255 ? v : Math.Min(255, (v * 255 + h.MaxValue / 2) / h.MaxValue));
            if (h.Channels == 3) dst[s] = b;
            else dst[3 * s] = dst[3 * s + 1] = dst[3 * s + 2] = b;
        }
        return img;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 11 or 12;

    // Skips whitespace and '#' comments, then reads a decimal number.
    private static int NextNumber(ReadOnlySpan<byte> bytes, ref int pos, string source)
    {
        while (pos < bytes.Length)
        {
            if (IsSpace(bytes[pos])) pos++;
            else if (bytes[pos] == '#') { while (pos < bytes.Length && bytes[pos] != '\n' && bytes[pos] != '\r') pos++; }
            else break;
        }
        long value = 0;
        int start = pos;
        while (pos < bytes.Length && bytes[pos] >= '0' && bytes[pos] <= '9' && value <= int.MaxValue)
            value = value * 10 + (bytes[pos++] - '0');
        if (pos == start) throw new SpatialVlmException($"{source}: malformed or truncated PGM/PPM header");
        if (value > int.MaxValue) throw new SpatialVlmException($"{source}: PGM/PPM header number is too large");
        return (int)value;
    }
}
