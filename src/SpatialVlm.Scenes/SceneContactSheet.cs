using SkiaSharp;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Scenes;

/// <summary>A grid of scene thumbnails (with their boxes and captions) and ids, one PNG, to eyeball many scenes at once.</summary>
public static class SceneContactSheet
{
    public static void Write(string path, IReadOnlyList<string> sceneDirs, int columns = 4, int thumbWidth = 320)
    {
        if (sceneDirs.Count == 0) throw new SpatialVlmException("contact sheet: no scenes");
        var scenes = sceneDirs.Select(SceneFolder.Read).ToList();
        var first = scenes[0];
        float scale = thumbWidth / (float)first.Width;
        int thumbHeight = (int)Math.Round(first.Height * scale), label = 18;
        int rows = (scenes.Count + columns - 1) / columns;
        using var bitmap = new SKBitmap(columns * thumbWidth, rows * (thumbHeight + label));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor(30, 30, 30));
        using var font = new SKFont(SKTypeface.Default, 13);
        using var text = new SKPaint { IsAntialias = true, Color = SKColors.White };
        using var sampling = new SKPaint { IsAntialias = true };
        for (int i = 0; i < scenes.Count; i++)
        {
            var s = scenes[i];
            float x = i % columns * thumbWidth, y = i / columns * (thumbHeight + label);
            using var img = ColorImageCodec.ToBitmap(s.Image);
            using var image = SKImage.FromBitmap(img);
            var sx = thumbWidth / (float)s.Width;
            canvas.DrawImage(image, new SKRect(x, y + label, x + thumbWidth, y + label + s.Height * sx), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear), sampling);
            canvas.Save();
            canvas.Translate(x, y + label);
            canvas.ClipRect(new SKRect(0, 0, thumbWidth, thumbHeight));
            SceneOverlay.Draw(canvas, s.Description, sx);
            canvas.Restore();
            canvas.DrawText($"{s.Description.Id}  ({s.Description.Objects.Count} objects)", x + 4, y + 14, SKTextAlign.Left, font, text);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }
}
