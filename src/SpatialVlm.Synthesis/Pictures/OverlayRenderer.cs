using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;

namespace SpatialVlm.Synthesis.Pictures;

/// <summary>How overlays are drawn.</summary>
public sealed record OverlayOptions
{
    /// <summary>Opacity of an object's colour over its mask pixels (its outline is drawn opaque). Default 0.45.</summary>
    public double TintOpacity { get; init; } = 0.45;
    /// <summary>Opacity of the support shade over the support plane's pixels. Default 0.22.</summary>
    public double SupportOpacity { get; init; } = 0.22;
    /// <summary>Draw labels, the legend and the failure banner (text). Default true.</summary>
    public bool Text { get; init; } = true;
}

/// <summary>
/// Draws an <see cref="OverlayContent"/> over its image: support shade and mask tints on the pixels, then with Skia
/// the measured boxes as wireframes (dashed when the object gets no size questions), dropped detections as thin
/// dashed rectangles, labels, the legend and a failure banner. Deterministic for the same content.
/// </summary>
public static class OverlayRenderer
{
    private static readonly OverlayColor SupportShade = new(60, 190, 255);
    private static readonly SKColor DroppedColor = new(255, 170, 60);

    public static byte[] EncodePng(OverlayContent content, OverlayOptions? options = null)
    {
        using var bitmap = Draw(content, options ?? new OverlayOptions());
        return ColorImageCodec.EncodePngFast(ColorImageCodec.ToRgb(bitmap));
    }

    public static SKBitmap Draw(OverlayContent content, OverlayOptions options)
    {
        var image = content.Image;
        var pixels = (byte[])image.Pixels.Clone();
        foreach (var p in content.SupportPixels) Blend(pixels, p, SupportShade, options.SupportOpacity);
        var owner = new int[image.Width * image.Height];
        for (int i = 0; i < content.Objects.Count; i++)
            foreach (var p in content.Objects[i].Pixels) owner[p] = i + 1;
        for (int i = 0; i < content.Objects.Count; i++)
            TintMask(pixels, owner, i + 1, content.Objects[i], image.Width, image.Height, options.TintOpacity);

        var bitmap = ColorImageCodec.ToBitmap(new RgbImage(image.Width, image.Height, pixels));
        using var canvas = new SKCanvas(bitmap);
        float unit = Math.Max(1f, image.Width / 640f);
        DrawBoxes(canvas, content, unit);
        using var font = new SKFont(SKTypeface.Default, Math.Max(9f, 12f * unit));
        DrawDropped(canvas, content, unit, options.Text ? font : null);
        if (options.Text) DrawText(canvas, content, font, unit);
        return bitmap;
    }

    private static void Blend(byte[] rgb, int pixel, OverlayColor c, double opacity)
    {
        int j = pixel * 3;
        rgb[j] = (byte)Math.Round(rgb[j] + (c.R - rgb[j]) * opacity);
        rgb[j + 1] = (byte)Math.Round(rgb[j + 1] + (c.G - rgb[j + 1]) * opacity);
        rgb[j + 2] = (byte)Math.Round(rgb[j + 2] + (c.B - rgb[j + 2]) * opacity);
    }

    /// <summary>Tints the pixels this object owns; those bordering another owner or the image edge become its outline.</summary>
    private static void TintMask(byte[] rgb, int[] owner, int own, OverlayObject o, int w, int h, double opacity)
    {
        foreach (var p in o.Pixels)
        {
            if (owner[p] != own) continue; // a later mask drawn over this one
            int x = p % w, y = p / w;
            bool outline = x == 0 || y == 0 || x == w - 1 || y == h - 1
                || owner[p - 1] != own || owner[p + 1] != own || owner[p - w] != own || owner[p + w] != own;
            Blend(rgb, p, o.Color, outline ? 1 : opacity);
        }
    }

    private static void DrawBoxes(SKCanvas canvas, OverlayContent content, float unit)
    {
        if (content.Intrinsics is not { } k || content.CameraFromWorld is not { } cameraFromWorld) return;
        using var solid = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f * unit };
        using var dashed = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f * unit, PathEffect = SKPathEffect.CreateDash([6f * unit, 4f * unit], 0) };
        foreach (var o in content.Objects)
        {
            if (o.Box is not { } box) continue;
            var paint = o.DashedBox ? dashed : solid;
            paint.Color = Skia(o.Color);
            foreach (var (u0, v0, u1, v1) in BoxWireframe.Project(box, cameraFromWorld, k))
                canvas.DrawLine((float)u0, (float)v0, (float)u1, (float)v1, paint);
        }
    }

    private static void DrawDropped(SKCanvas canvas, OverlayContent content, float unit, SKFont? font)
    {
        if (content.DroppedDetections.Count == 0) return;
        using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = unit, Color = DroppedColor, PathEffect = SKPathEffect.CreateDash([3f * unit, 3f * unit], 0) };
        using var text = new SKPaint { IsAntialias = true, Color = DroppedColor };
        foreach (var d in content.DroppedDetections)
        {
            canvas.DrawRect(SKRect.Create((float)d.X0, (float)d.Y0, (float)(d.X1 - d.X0), (float)(d.Y1 - d.Y0)), line);
            if (font is not null) canvas.DrawText(d.Text, (float)d.X0 + 2 * unit, (float)d.Y0 + font.Size, SKTextAlign.Left, font, text);
        }
    }

    private static void DrawText(SKCanvas canvas, OverlayContent content, SKFont font, float unit)
    {
        int w = content.Image.Width, h = content.Image.Height;
        using var shade = new SKPaint { Color = new SKColor(0, 0, 0, 170) };
        using var ink = new SKPaint { IsAntialias = true };
        float lineHeight = font.Size + 3 * unit, pad = 3 * unit;
        var placed = new List<SKRect>();

        // Legend, top left.
        var legend = content.Legend.SelectMany(l => Wrap(l, font, w - 4 * pad)).ToList();
        if (legend.Count > 0)
        {
            var rect = SKRect.Create(pad, pad, legend.Max(l => font.MeasureText(l)) + 2 * pad, legend.Count * lineHeight + pad);
            canvas.DrawRect(rect, shade);
            ink.Color = SKColors.White;
            for (int i = 0; i < legend.Count; i++) canvas.DrawText(legend[i], rect.Left + pad, rect.Top + (i + 1) * lineHeight - 2 * unit, SKTextAlign.Left, font, ink);
            placed.Add(rect);
        }

        // Failure banner, bottom.
        if (content.Failure is { } failure)
        {
            var lines = Wrap($"failed: {failure}", font, w - 4 * pad);
            var rect = SKRect.Create(0, h - lines.Count * lineHeight - 2 * pad, w, lines.Count * lineHeight + 2 * pad);
            using var red = new SKPaint { Color = new SKColor(170, 20, 20, 215) };
            canvas.DrawRect(rect, red);
            ink.Color = SKColors.White;
            for (int i = 0; i < lines.Count; i++) canvas.DrawText(lines[i], 2 * pad, rect.Top + pad + (i + 1) * lineHeight - 2 * unit, SKTextAlign.Left, font, ink);
            placed.Add(rect);
        }

        // Object labels: above the mask, else below, else inside its top, else the nearest free spot further down or up;
        // the first spot that overlaps no earlier text (or above the mask when none is free).
        foreach (var o in content.Objects)
        {
            if (o.Pixels.Length == 0) continue;
            var bounds = Bounds(o.Pixels, w);
            float width = o.Label.Max(l => font.MeasureText(l)) + 2 * pad, height = o.Label.Count * lineHeight + pad;
            float cx = (bounds.Left + bounds.Right) / 2;
            SKRect At(float top) => SKRect.Create(Math.Clamp(cx - width / 2, 0, Math.Max(0, w - width)), Math.Clamp(top, 0, Math.Max(0, h - height)), width, height);
            var spots = new List<SKRect> { At(bounds.Top - height - unit), At(bounds.Bottom + unit), At(bounds.Top) };
            for (float step = lineHeight; step < h; step += lineHeight)
            {
                spots.Add(At(bounds.Top + step));
                spots.Add(At(bounds.Top - height - unit - step));
            }
            var rect = spots.FirstOrDefault(s => !placed.Any(p => p.IntersectsWith(s)), spots[0]);
            canvas.DrawRect(rect, shade);
            ink.Color = Skia(o.Color);
            for (int i = 0; i < o.Label.Count; i++) canvas.DrawText(o.Label[i], rect.Left + pad, rect.Top + (i + 1) * lineHeight - 2 * unit, SKTextAlign.Left, font, ink);
            placed.Add(rect);
        }
    }

    private static SKRect Bounds(int[] pixels, int w)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = int.MinValue, y1 = int.MinValue;
        foreach (var p in pixels)
        {
            int x = p % w, y = p / w;
            x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
        }
        return new SKRect(x0, y0, x1 + 1, y1 + 1);
    }

    /// <summary>Breaks text at spaces into lines no wider than maxWidth (a single long word stays whole).</summary>
    private static List<string> Wrap(string text, SKFont font, float maxWidth)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' '))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length > 0 && font.MeasureText(candidate) > maxWidth) { lines.Add(current); current = word; }
            else current = candidate;
        }
        if (current.Length > 0) lines.Add(current);
        return lines;
    }

    private static SKColor Skia(OverlayColor c) => new(c.R, c.G, c.B);
}
