using System.Text.Json;
using SkiaSharp;
using SpatialVlm.Core;

namespace SpatialVlm.Model;

/// <summary>Draws the training loss from a train-log.jsonl as a PNG: raw loss in light blue, a moving average in dark blue.</summary>
public static class LossCurve
{
    public static void Write(string logPath, string pngPath, int width = 800, int height = 450)
    {
        var points = new List<(int Step, double Loss)>();
        foreach (var line in File.ReadLines(logPath))
        {
            try
            {
                var root = JsonDocument.Parse(line).RootElement;
                var loss = root.GetProperty("loss").GetDouble();
                if (double.IsFinite(loss)) points.Add((root.GetProperty("step").GetInt32(), loss));
            }
            catch (JsonException) { }
        }
        AtomicFile.WriteAllBytes(pngPath, Render(points, width, height));
    }

    public static byte[] Render(IReadOnlyList<(int Step, double Loss)> points, int width, int height)
    {
        const float left = 70, right = 20, top = 30, bottom = 45;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var axis = new SKPaint { Color = SKColors.Gray, StrokeWidth = 1, IsAntialias = true };
        using var font = new SKFont(SKTypeface.Default, 13);
        using var text = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText("training loss (answer tokens)", left, 20, SKTextAlign.Left, font, text);
        canvas.DrawLine(left, height - bottom, width - right, height - bottom, axis);
        canvas.DrawLine(left, top, left, height - bottom, axis);
        if (points.Count > 0)
        {
            int minStep = points.Min(p => p.Step), maxStep = Math.Max(points.Max(p => p.Step), minStep + 1);
            double minLoss = Math.Min(0, points.Min(p => p.Loss)), maxLoss = Math.Max(points.Max(p => p.Loss), minLoss + 1e-6);
            float X(double step) => left + (float)((step - minStep) / (maxStep - minStep)) * (width - left - right);
            float Y(double loss) => height - bottom - (float)((loss - minLoss) / (maxLoss - minLoss)) * (height - top - bottom);
            DrawLine(canvas, points.Select(p => (X(p.Step), Y(p.Loss))), new SKColor(150, 190, 240));
            var window = Math.Max(1, points.Count / 50);
            var smoothed = points.Select((p, i) => (X(p.Step), Y(points.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average(q => q.Loss))));
            DrawLine(canvas, smoothed, new SKColor(20, 60, 160));
            for (var k = 0; k <= 4; k++)
            {
                var loss = minLoss + (maxLoss - minLoss) * k / 4;
                canvas.DrawText(loss.ToString("G3", System.Globalization.CultureInfo.InvariantCulture), 8, Y(loss) + 4, SKTextAlign.Left, font, text);
                var step = minStep + (maxStep - minStep) * k / 4.0;
                canvas.DrawText(((int)step).ToString(System.Globalization.CultureInfo.InvariantCulture), X(step) - 10, height - bottom + 18, SKTextAlign.Left, font, text);
            }
            canvas.DrawText("step", width / 2f, height - 8, SKTextAlign.Left, font, text);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawLine(SKCanvas canvas, IEnumerable<(float X, float Y)> points, SKColor color)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = 2, IsAntialias = true, Style = SKPaintStyle.Stroke };
        (float X, float Y)? previous = null;
        foreach (var point in points)
        {
            if (previous is { } p) canvas.DrawLine(p.X, p.Y, point.X, point.Y, paint);
            previous = point;
        }
    }
}
