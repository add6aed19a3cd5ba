using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Imaging.Tests;

/// <summary>Hand-built image files for the decoder tests: the odd cases no encoder at hand writes.</summary>
internal static class TestImages
{
    /// <summary>An image whose left half has one colour and right half another (width even).</summary>
    public static RgbImage TwoColors(int width, int height, (byte R, byte G, byte B) left, (byte R, byte G, byte B) right)
    {
        var img = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = x < width / 2 ? left : right;
                var i = (y * width + x) * 3;
                (img.Pixels[i], img.Pixels[i + 1], img.Pixels[i + 2]) = (c.R, c.G, c.B);
            }
        return img;
    }

    public static byte[] Jpeg(RgbImage img, int quality = 100)
    {
        using var bitmap = ColorImageCodec.ToBitmap(img);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public static byte[] GrayJpeg(int width, int height, byte value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(value, value, value));
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 100);
        return data.ToArray();
    }

    /// <summary>Inserts an EXIF APP1 segment holding only the orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var app1 = new List<byte> { 0xFF, 0xE1, 0, 0 };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange([(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8]);             // big-endian TIFF header, IFD at 8
        app1.AddRange([0, 1]);                                                 // one entry
        app1.AddRange([0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0]); // 0x0112 SHORT ×1
        app1.AddRange([0, 0, 0, 0]);                                           // no next IFD
        var length = app1.Count - 2;
        app1[2] = (byte)(length >> 8); app1[3] = (byte)length;
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>A PNG with any header fields and raw (filter 0) rows; CRCs are computed, the data is not checked.</summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte[]? rows)
    {
        using var ms = new MemoryStream();
        ms.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth; ihdr[9] = colorType;
        Chunk(ms, "IHDR", ihdr);
        using var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zs.Write(rows ?? new byte[16]);
        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    /// <summary>A 16-bit RGB PNG of one colour (16-bit samples).</summary>
    public static byte[] Rgb16Png(int width, int height, ushort r, ushort g, ushort b)
    {
        var rows = new byte[height * (1 + width * 6)];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var o = y * (1 + width * 6) + 1 + x * 6;
                BinaryPrimitives.WriteUInt16BigEndian(rows.AsSpan(o), r);
                BinaryPrimitives.WriteUInt16BigEndian(rows.AsSpan(o + 2), g);
                BinaryPrimitives.WriteUInt16BigEndian(rows.AsSpan(o + 4), b);
            }
        return Png(width, height, 16, 2, rows);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var buf = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buf, data.Length);
        s.Write(buf);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(buf, Crc32(typed));
        s.Write(buf);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFF;
    }

    /// <summary>
    /// A baseline CMYK JPEG (Adobe APP14, no colour transform) of 8×8 blocks, each block one flat colour, so only DC
    /// coefficients are coded: quantization 1, DC = 8·(v − 128), a 4-bit code per DC size category, AC = end of block.
    /// blocks[i] is block i's (C, M, Y, K) as stored (Adobe writes CMYK inverted: 255 = no ink).
    /// </summary>
    public static byte[] CmykJpeg((byte C, byte M, byte Y, byte K)[] blocks)
    {
        using var ms = new MemoryStream();
        void Marker(byte m, byte[] payload)
        {
            ms.WriteByte(0xFF); ms.WriteByte(m);
            ms.WriteByte((byte)((payload.Length + 2) >> 8)); ms.WriteByte((byte)(payload.Length + 2));
            ms.Write(payload);
        }
        ms.Write([0xFF, 0xD8]);
        Marker(0xEE, [.. "Adobe"u8.ToArray(), 0, 100, 0, 0, 0, 0, 0]); // version 100, flags 0, transform 0 = CMYK as is
        Marker(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        int width = 8 * blocks.Length;
        Marker(0xC0, [8, 0, 8, (byte)(width >> 8), (byte)width, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]);
        // DC table 0: twelve 4-bit codes, category c ↦ code c. AC table 0: one 1-bit code '0' for end of block.
        Marker(0xC4, [0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        Marker(0xC4, [0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
        Marker(0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]);
        var bits = new List<bool>();
        void Put(int value, int count) { for (int i = count - 1; i >= 0; i--) bits.Add(((value >> i) & 1) != 0); }
        var previous = new int[4];
        foreach (var block in blocks)
        {
            byte[] samples = [block.C, block.M, block.Y, block.K];
            for (int c = 0; c < 4; c++)
            {
                int dc = 8 * (samples[c] - 128), diff = dc - previous[c];
                previous[c] = dc;
                int size = diff == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Abs(diff));
                Put(size, 4);
                if (size > 0) Put(diff > 0 ? diff : diff + (1 << size) - 1, size);
                Put(0, 1); // end of block
            }
        }
        while (bits.Count % 8 != 0) bits.Add(true);
        for (int i = 0; i < bits.Count; i += 8)
        {
            int b = 0;
            for (int j = 0; j < 8; j++) b = (b << 1) | (bits[i + j] ? 1 : 0);
            ms.WriteByte((byte)b);
            if (b == 0xFF) ms.WriteByte(0); // byte stuffing
        }
        ms.Write([0xFF, 0xD9]);
        return ms.ToArray();
    }
}
