using SkiaSharp;

namespace SpatialVlm.Rewards.Tests;

/// <summary>Small synthetic frames: a red and a blue square on grey, the red one at a given x.</summary>
internal static class TestFrames
{
    public static void WriteSquares(string path, int width, int height, int redX, int blueX)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(128, 128, 128));
            using var red = new SKPaint { Color = new SKColor(230, 20, 20) };
            using var blue = new SKPaint { Color = new SKColor(20, 20, 230) };
            canvas.DrawRect(new SKRect(redX, height / 2 - 10, redX + 20, height / 2 + 10), red);
            canvas.DrawRect(new SKRect(blueX, height / 2 - 10, blueX + 20, height / 2 + 10), blue);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}

/// <summary>
/// A model that reads pixels: the distance between the centres of the red and the blue square, 1 cm per pixel, with
/// K samples jittered deterministically by ±0.5 cm. "the green square" matches nothing: the answer fails.
/// </summary>
internal sealed class PixelModel : ISpatialAnswerer
{
    public List<AnswerRequest> Requests { get; } = [];

    public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
    {
        lock (Requests) Requests.Add(request);
        if (request.A!.Phrase.Contains("green") || request.B!.Phrase.Contains("green"))
            throw new AnswerFailedException("no green square in the image", 1);
        using var bitmap = SKBitmap.Decode(request.ImagePath);
        double? Centre(Func<SKColor, bool> match)
        {
            long sum = 0, n = 0;
            for (int x = 0; x < bitmap.Width; x++)
                if (match(bitmap.GetPixel(x, bitmap.Height / 2))) { sum += x; n++; }
            return n == 0 ? null : sum / (double)n;
        }
        var red = Centre(c => c.Red > 160 && c.Blue < 90 && c.Green < 90);
        var blue = Centre(c => c.Blue > 160 && c.Red < 90 && c.Green < 90);
        if (red is null || blue is null) throw new AnswerFailedException("a square is missing", 1);
        var meters = Math.Abs(red.Value - blue.Value) / 100;
        var samples = Enumerable.Range(0, request.Samples).Select(k => $"{meters + (k % 2 == 0 ? 0.005 : -0.005) * (request.Samples > 1 ? 1 : 0):0.####} meters").ToList();
        return Task.FromResult(new SpatialAnswer(samples[0], samples));
    }
}
