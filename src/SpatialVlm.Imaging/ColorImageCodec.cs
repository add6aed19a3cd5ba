using SkiaSharp;
using SpatialVlm.Core;

namespace SpatialVlm.Imaging;

/// <summary>Options for decoding colour images.</summary>
public sealed record ColorDecodeOptions
{
    /// <summary>Refuse images whose header claims more pixels than this (default 64 MP), before decoding.</summary>
    public long MaxPixels { get; init; } = 64_000_000;
    /// <summary>Apply the EXIF orientation tag so the pixels are upright (default true).</summary>
    public bool ApplyExifOrientation { get; init; } = true;
}

/// <summary>Colour image decoding and PNG encoding through SkiaSharp; every format Skia reads becomes 8-bit RGB.</summary>
public static class ColorImageCodec
{
    public static RgbImage Decode(byte[] bytes, string source = "image", ColorDecodeOptions? options = null)
    {
        options ??= new ColorDecodeOptions();
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new SpatialVlmException($"{source}: not an image, or a format that cannot be read");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new SpatialVlmException($"{source}: image has no pixels");
        if ((long)info.Width * info.Height > options.MaxPixels)
            throw new SpatialVlmException($"{source}: image is {info.Width}x{info.Height}, over the {options.MaxPixels:N0}-pixel limit");
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success && result != SKCodecResult.IncompleteInput)
            throw new SpatialVlmException($"{source}: cannot decode image ({result})");
        if (result == SKCodecResult.IncompleteInput)
            throw new SpatialVlmException($"{source}: truncated image");
        var rgb = ToRgb(bitmap);
        return options.ApplyExifOrientation ? Orient(rgb, codec.EncodedOrigin) : rgb;
    }

    public static RgbImage DecodeFile(string path, ColorDecodeOptions? options = null)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file");
        return Decode(RegularFile.ReadAllBytes(path), path, options);
    }

    /// <summary>The RGB pixels of an 8-bit RGBA bitmap (alpha dropped).</summary>
    public static RgbImage ToRgb(SKBitmap bitmap)
    {
        var img = new RgbImage(bitmap.Width, bitmap.Height);
        var src = bitmap.GetPixelSpan();
        var dst = img.Pixels;
        for (int i = 0, j = 0; j < dst.Length; i += 4, j += 3)
        {
            dst[j] = src[i]; dst[j + 1] = src[i + 1]; dst[j + 2] = src[i + 2];
        }
        return img;
    }

    /// <summary>Rotates/flips pixels so that EXIF-tagged images come out upright.</summary>
    public static RgbImage Orient(RgbImage img, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft || origin == SKEncodedOrigin.Default) return img;
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = img.Width, h = img.Height, ow = swap ? h : w, oh = swap ? w : h;
        var o = new RgbImage(ow, oh);
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
            {
                // (x, y) in the output; (sx, sy) the stored pixel that belongs there.
                (int sx, int sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                Buffer.BlockCopy(img.Pixels, (sy * w + sx) * 3, o.Pixels, (y * ow + x) * 3, 3);
            }
        return o;
    }

    /// <summary>Lossless PNG of an RGB image.</summary>
    public static byte[] EncodePng(RgbImage img)
    {
        using var bitmap = ToBitmap(img);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Lossless PNG of an RGB image, fast (ZLib Fastest, no row filter) and larger; for bulk output such as rendered scenes.</summary>
    public static byte[] EncodePngFast(RgbImage img) => Png16.EncodeRgb8(img.Pixels, img.Width, img.Height);

    public static SKBitmap ToBitmap(RgbImage img)
    {
        var bitmap = new SKBitmap(new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        var src = img.Pixels;
        for (int i = 0, j = 0; j < src.Length; i += 4, j += 3)
        {
            dst[i] = src[j]; dst[i + 1] = src[j + 1]; dst[i + 2] = src[j + 2]; dst[i + 3] = 255;
        }
        return bitmap;
    }
}
