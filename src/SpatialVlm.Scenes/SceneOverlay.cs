using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Scenes;

/// <summary>The scene image with each object's ground-truth box projected as a wireframe and its caption, for a person to check at a glance.</summary>
public static class SceneOverlay
{
    public const string FileName = "overlay.png";

    private static readonly SKColor[] Colors =
        [new(255, 64, 64), new(64, 200, 255), new(255, 220, 40), new(120, 255, 120), new(255, 120, 255), new(255, 160, 60), new(200, 200, 255), new(60, 255, 210)];

    // Corner index bits: 1 = +width, 2 = +length, 4 = +height (UprightBox.Corners order).
    private static readonly (int, int)[] Edges = [(0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (0, 4), (1, 5), (2, 6), (3, 7)];

    public static byte[] EncodePng(RgbImage image, SceneDescription scene)
    {
        using var bitmap = ColorImageCodec.ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap)) Draw(canvas, scene, 1f);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Draws the boxes and captions of <paramref name="scene"/> onto a canvas showing its image scaled by <paramref name="scale"/>.</summary>
    public static void Draw(SKCanvas canvas, SceneDescription scene, float scale)
    {
        var k = scene.Camera.Intrinsics;
        var camFromWorld = scene.Camera.WorldFromCameraTransform.Inverse();
        using var font = new SKFont(SKTypeface.Default, Math.Max(9f, 13f * scale * k.Width / 640f));
        using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = Math.Max(1f, 1.5f * scale) };
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.White };
        using var shade = new SKPaint { Color = new SKColor(0, 0, 0, 150) };
        foreach (var o in scene.Objects)
        {
            var color = Colors[(o.Id - 1) % Colors.Length];
            line.Color = color;
            var corners = o.Box.Corners().Select(camFromWorld.Apply).ToArray();
            foreach (var (a, b) in Edges)
            {
                if (!ClipToFront(corners[a], corners[b], out var p, out var q)) continue;
                var (u0, v0) = k.Project(p); var (u1, v1) = k.Project(q);
                canvas.DrawLine((float)u0 * scale, (float)v0 * scale, (float)u1 * scale, (float)v1 * scale, line);
            }
            var top = camFromWorld.Apply(o.Box.Center + new Point3(0, 0, o.Box.Height / 2));
            if (top.Z <= 0.05) continue;
            var (tu, tv) = k.Project(top);
            var label = $"{o.Id} {o.Caption}";
            var width = font.MeasureText(label);
            float x = Math.Clamp((float)tu * scale - width / 2, 0, k.Width * scale - width), y = Math.Clamp((float)tv * scale - 4, font.Size, k.Height * scale);
            canvas.DrawRect(x - 2, y - font.Size, width + 4, font.Size + 4, shade);
            text.Color = color;
            canvas.DrawText(label, x, y, SKTextAlign.Left, font, text);
        }
    }

    // The part of segment a–b in front of the camera (z ≥ 0.05 m).
    private static bool ClipToFront(Point3 a, Point3 b, out Point3 p, out Point3 q)
    {
        const double near = 0.05;
        p = a; q = b;
        if (a.Z < near && b.Z < near) return false;
        if (a.Z < near) p = a + (b - a) * ((near - a.Z) / (b.Z - a.Z));
        if (b.Z < near) q = b + (a - b) * ((near - b.Z) / (a.Z - b.Z));
        return true;
    }
}
