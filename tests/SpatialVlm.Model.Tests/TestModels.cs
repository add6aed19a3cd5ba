using SpatialVlm.Core;
using SpatialVlm.Core.Training;

namespace SpatialVlm.Model.Tests;

/// <summary>Configurations and data the tests share.</summary>
internal static class TestModels
{
    /// <summary>Nano's shape at a quarter of its width and depth: 32 px images, 16 patches, 4 image tokens.</summary>
    public static VlmConfig Tiny { get; } = VlmConfig.Preset("nano") with
    {
        Name = "tiny-test",
        Vision = new VisionConfig(ImageSize: 32, PatchSize: 8, HiddenSize: 64, Layers: 2, Heads: 4, MlpSize: 128),
        Text = new TextConfig(ByteTokenizer.Size, HiddenSize: 64, Layers: 2, Heads: 4, KeyValueHeads: 2, IntermediateSize: 128, RopeTheta: 10_000, MaxPositions: 96),
    };

    /// <summary>A w×h image of one background colour with a filled square of another.</summary>
    public static RgbImage Square(byte[] background, byte[] square, int x0, int y0, int side, int size = 32)
    {
        var image = new RgbImage(size, size);
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var inside = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side;
                var c = inside ? square : background;
                Array.Copy(c, 0, image.Pixels, (y * size + x) * 3, 3);
            }
        return image;
    }

    public static IReadOnlyList<TrainingExample> QaPairs()
    {
        byte[] white = [240, 240, 240], red = [220, 30, 30], green = [30, 200, 40], blue = [30, 40, 220], yellow = [230, 220, 30], black = [10, 10, 10];
        return
        [
            new("red", Square(white, red, 4, 4, 12), "How far is the box from the camera?", "1.2 meters", ExampleKind.Spatial),
            new("green", Square(white, green, 16, 16, 14), "How far is the box from the camera?", "35 centimeters", ExampleKind.Spatial),
            new("blue", Square(black, blue, 2, 18, 10), "Is the box on the left?", "yes", ExampleKind.Spatial),
            new("yellow", Square(black, yellow, 20, 2, 10), "Is the box on the left?", "no", ExampleKind.Spatial),
            new("which-red", Square(blue, red, 8, 8, 16), "Which object is in the middle?", "the red box", ExampleKind.General),
            new("which-green", Square(yellow, green, 8, 8, 16), "Which object is in the middle?", "the green box", ExampleKind.General),
        ];
    }

}

/// <summary>Temporary folders of one test, deleted when the test class instance is disposed (xunit makes one per test).</summary>
internal sealed class TempFolders : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "spatialvlm-model-tests", Guid.NewGuid().ToString("N"));

    public string New()
    {
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        try { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
        catch (IOException) { }   // a file still open elsewhere; the OS temp cleaner gets it
    }
}
