using SkiaSharp;

namespace SpatialVlm.Evaluation;

/// <summary>A white PNG canvas with a plot area inside fixed margins, and the text and line helpers the report charts (and the reward curve) share.</summary>
public sealed class PlotCanvas : IDisposable
{
    public static readonly SKColor Qualitative = new(0x3b, 0x6e, 0xa8);
    public static readonly SKColor Quantitative = new(0xe0, 0x8a, 0x2c);
    public static readonly SKColor Grid = new(0xdd, 0xdd, 0xdd);
    public static readonly SKColor Ink = new(0x22, 0x22, 0x22);

    private readonly SKSurface surface;
    private readonly SKTypeface typeface;
    public SKCanvas Canvas => surface.Canvas;
    /// <summary>The plot area in pixels.</summary>
    public SKRect Area { get; }

    public PlotCanvas(int width, int height, float left, float top, float right, float bottom)
    {
        surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
                  ?? throw new InvalidOperationException("cannot create a drawing surface");
        typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        Canvas.Clear(SKColors.White);
        Area = new SKRect(left, top, width - right, height - bottom);
    }

    public void Text(string text, float x, float y, float size = 13, SKTextAlign align = SKTextAlign.Left, SKColor? color = null, bool bold = false)
    {
        using var font = new SKFont(typeface, size) { Embolden = bold };
        using var paint = new SKPaint { Color = color ?? Ink, IsAntialias = true };
        Canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>Text turned 90° counter-clockwise, centred on (x, y): a vertical axis label.</summary>
    public void VerticalText(string text, float x, float y, float size = 13)
    {
        Canvas.Save();
        Canvas.RotateDegrees(-90, x, y);
        Text(text, x, y, size, SKTextAlign.Center);
        Canvas.Restore();
    }

    public void Line(float x0, float y0, float x1, float y1, SKColor color, float width = 1, bool dashed = false)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = width, IsAntialias = true, Style = SKPaintStyle.Stroke };
        if (dashed) paint.PathEffect = SKPathEffect.CreateDash([6, 4], 0);
        Canvas.DrawLine(x0, y0, x1, y1, paint);
    }

    public void Rect(SKRect r, SKColor fill)
    {
        using var paint = new SKPaint { Color = fill, IsAntialias = true, Style = SKPaintStyle.Fill };
        Canvas.DrawRect(r, paint);
    }

    public void Dot(float x, float y, float radius, SKColor fill)
    {
        using var paint = new SKPaint { Color = fill, IsAntialias = true, Style = SKPaintStyle.Fill };
        Canvas.DrawCircle(x, y, radius, paint);
    }

    /// <summary>A filled polygon (a shaded band): the points in order, closed.</summary>
    public void Polygon(IReadOnlyList<SKPoint> points, SKColor fill)
    {
        if (points.Count < 3) return;
        using var builder = new SKPathBuilder();
        builder.AddPoly(points.ToArray(), true);
        using var path = builder.Detach();
        using var paint = new SKPaint { Color = fill, IsAntialias = true, Style = SKPaintStyle.Fill };
        Canvas.DrawPath(path, paint);
    }

    public void Frame()
    {
        using var paint = new SKPaint { Color = Ink, StrokeWidth = 1, Style = SKPaintStyle.Stroke };
        Canvas.DrawRect(Area, paint);
    }

    public byte[] EncodePng()
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public void Dispose()
    {
        surface.Dispose();
        typeface.Dispose();
    }
}
