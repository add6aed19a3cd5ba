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
            foreach (var (u0, v0, u1, v1) in BoxWireframe.Project(o.Box, camFromWorld, k))
                canvas.DrawLine((float)u0 * scale, (float)v0 * scale, (float)u1 * scale, (float)v1 * scale, line);
            var top = camFromWorld.Apply(o.Box.Center + new Point3(0, 0, o.Box.Height / 2));
            if (top.Z <= BoxWireframe.NearPlane) continue;
            var (tu, tv) = k.Project(top);
            var label = $"{o.Id} {o.Caption}";
            var width = font.MeasureText(label);
            float x = Math.Clamp((float)tu * scale - width / 2, 0, k.Width * scale - width), y = Math.Clamp((float)tv * scale - 4, font.Size, k.Height * scale);
            canvas.DrawRect(x - 2, y - font.Size, width + 4, font.Size + 4, shade);
            text.Color = color;
            canvas.DrawText(label, x, y, SKTextAlign.Left, font, text);
        }
    }
}
