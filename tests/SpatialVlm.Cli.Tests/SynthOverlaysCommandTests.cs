using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Tests;

public sealed class SynthOverlaysCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("synth-overlays-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static int Run(params string[] args) => CliRunner.Run(CommandTree.Build(), args, new StringWriter(), new StringWriter());

    [Fact]
    public void OverlaysFlagWritesOnePicturePerImageAndNoneWithoutIt()
    {
        var with = Path.Combine(dir, "with");
        Assert.Equal(0, Run("synth", "--out", with, "--scenes", "3", "--seed", "2", "--size", "320x240", "--qa-per-image", "8", "--format", "jsonl", "--overlays"));
        var pictures = Directory.GetFiles(Path.Combine(with, "overlays"), "*.png").Order().ToList();
        Assert.Equal(["scene-000002.png", "scene-000003.png", "scene-000004.png"], pictures.Select(Path.GetFileName));
        foreach (var p in pictures)
        {
            var overlay = ColorImageCodec.DecodeFile(p);
            Assert.Equal((320, 240), (overlay.Width, overlay.Height));
            var image = ColorImageCodec.DecodeFile(Path.Combine(with, "images", Path.GetFileName(p)));
            Assert.NotEqual(image.Pixels, overlay.Pixels);
        }
        Assert.Contains("overlays/<id>.png", File.ReadAllText(Path.Combine(with, "README.md")));

        var without = Path.Combine(dir, "without");
        Assert.Equal(0, Run("synth", "--out", without, "--scenes", "3", "--seed", "2", "--size", "320x240", "--qa-per-image", "8", "--format", "jsonl"));
        Assert.False(Directory.Exists(Path.Combine(without, "overlays")));
        Assert.Equal(File.ReadAllText(Path.Combine(with, "dataset.jsonl")), File.ReadAllText(Path.Combine(without, "dataset.jsonl")));
    }
}
