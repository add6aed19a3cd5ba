using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Tests;

/// <summary>Runs alone: it points SPATIALVLM_HOME at an empty store for the duration of the test.</summary>
[CollectionDefinition("model store environment", DisableParallelization = true)]
public sealed class ModelStoreEnvironment;

[Collection("model store environment")]
public sealed class SynthPhotosCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("synth-photos-").FullName;
    private readonly string? savedHome = Environment.GetEnvironmentVariable("SPATIALVLM_HOME");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", savedHome);
        Directory.Delete(dir, recursive: true);
    }

    private static (int Exit, string Err) Run(params string[] args)
    {
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(), args, new StringWriter(), stderr);
        return (exit, stderr.ToString());
    }

    [Theory]
    [InlineData("metric3d-vit-small")]
    [InlineData("depth-anything-v2-metric-indoor-small")]
    public void PhotosWithoutModelsGiveTheOneLinePullError(string depthModel)
    {
        Environment.SetEnvironmentVariable("SPATIALVLM_HOME", Path.Combine(dir, "store"));
        var photos = Directory.CreateDirectory(Path.Combine(dir, "photos", "sub")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "a.png"), ColorImageCodec.EncodePng(new RgbImage(4, 3)));
        var (exit, err) = Run("synth", "--out", Path.Combine(dir, "out"), "--input", Path.Combine(dir, "photos"), "--depth-model", depthModel);
        Assert.NotEqual(0, exit);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains($"spatialvlm models pull {depthModel}", err);
    }

    [Theory]
    [InlineData("--perception", "oracle")]
    [InlineData("--queries", "mug", "--vocabulary", "{dir}/v.txt")]
    [InlineData("--vocabulary", "{dir}/missing.txt")]
    public void WrongPhotoFlagsGiveOneLineErrors(params string[] flags)
    {
        File.WriteAllText(Path.Combine(dir, "v.txt"), "mug\n");
        var photos = Directory.CreateDirectory(Path.Combine(dir, "photos")).FullName;
        File.WriteAllBytes(Path.Combine(photos, "a.png"), ColorImageCodec.EncodePng(new RgbImage(4, 3)));
        var (exit, err) = Run(["synth", "--out", Path.Combine(dir, "out"), "--input", photos, .. flags.Select(f => f.Replace("{dir}", dir))]);
        Assert.NotEqual(0, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}
