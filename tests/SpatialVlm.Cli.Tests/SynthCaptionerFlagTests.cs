using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Tests;

/// <summary>`synth --captioner`: the region captioner replaces the detector, and its download is checked with the others.</summary>
[Collection("model store environment")]
public sealed class SynthCaptionerFlagTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("synth-captioner-").FullName;
    private readonly string? savedHome = Environment.GetEnvironmentVariable("SPATIALVLM_HOME");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", savedHome);
        Directory.Delete(dir, recursive: true);
    }

    private (int Exit, string Err) Synth(string captioner, params string[] extra)
    {
        var store = Path.Combine(dir, "store");
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", store);
        // The depth model is "downloaded" (checked first), so the next missing model is the captioner.
        var depth = Path.Combine(store, "models", "metric3d-vit-small", "onnx", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(depth)!);
        File.WriteAllBytes(depth, []);
        var photos = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "a.png"), ColorImageCodec.EncodePng(new RgbImage(4, 3)));
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(), ["synth", "--out", Path.Combine(dir, "out"), "--input", photos, "--captioner", captioner, .. extra], new StringWriter(), stderr);
        return (exit, stderr.ToString());
    }

    [Fact]
    public void AMissingCaptionerGivesTheOneLinePullErrorInsteadOfTheDetectors()
    {
        var (exit, err) = Synth("florence-2-base-ft");
        Assert.NotEqual(0, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("spatialvlm models pull florence-2-base-ft", err);
    }

    [Fact]
    public void AModelOfAnotherRoleIsRefused()
    {
        var (exit, err) = Synth("owlv2-base-patch16-ensemble");
        Assert.NotEqual(0, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("is a Detector model, not Captioner", err);
    }

    [Fact]
    public void AnUnknownCaptionerTaskIsOneLine()
    {
        var (exit, err) = Synth("florence-2-base-ft", "--captioner-task", "caption-everything");
        Assert.NotEqual(0, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains("unknown Florence-2 task 'caption-everything'", err);
    }
}
