using System.Text.Json.Nodes;
using SpatialVlm.Perception.Models;

namespace SpatialVlm.Cli.Tests;

/// <summary>`reward` through the command line: the three outputs on a procedural pick sequence, and its one-line errors.</summary>
public sealed class RewardCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reward-cli-").FullName;
    public void Dispose() { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private static void OneLineError((int Exit, string Out, string Err) r, string expected)
    {
        Assert.Equal(1, r.Exit);
        Assert.Contains(expected, r.Err);
        Assert.Single(r.Err.Trim().Split('\n'));
    }

    [Fact]
    public void RewardOnAPickSequenceWritesCsvJsonAndPlot()
    {
        var scenes = Path.Combine(dir, "scenes");
        Assert.Equal(0, Run("scenes", "--robot", "--count", "1", "--seed", "9100", "--size", "320x240", "--frames", "10", "--out", scenes).Exit);
        var sequence = JsonNode.Parse(File.ReadAllText(Path.Combine(scenes, "scene-009100", "frames", "sequence.json")))!;
        var target = (string)sequence["target"]!["caption"]!;
        var outDir = Path.Combine(dir, "out");
        var (exit, output, err) = Run("reward", "--model", "oracle", "--frames", Path.Combine(scenes, "scene-009100"), "--a", "gripper", "--b", target,
            "--out", outDir, "--samples", "2", "--smoothing", "median:3");
        Assert.True(exit == 0, err);
        Assert.Contains("frames answered", output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "rewards.json")))!;
        Assert.Equal("scene-sequence", (string)json["source_kind"]!);
        Assert.Equal("fixed", (string)json["camera"]!["mode"]!);
        Assert.Contains("estimated once", (string)json["camera"]!["frame"]!);
        Assert.Equal("median:3", (string)json["smoothing"]!["name"]!);
        Assert.Equal(10, json["frames"]!.AsArray().Count);
        Assert.Equal(2, (int)json["samples_per_frame"]!);
        Assert.Equal(11, File.ReadAllLines(Path.Combine(outDir, "rewards.csv")).Length);
        Assert.True(new FileInfo(Path.Combine(outDir, "rewards.png")).Length > 1000);
        // Deterministic: a second run writes the same JSON.
        Assert.Equal(0, Run("reward", "--model", "oracle", "--frames", Path.Combine(scenes, "scene-009100", "frames"), "--a", "gripper", "--b", target,
            "--out", Path.Combine(dir, "again"), "--samples", "2", "--smoothing", "median:3", "--workers", "1").Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "rewards.json")), File.ReadAllText(Path.Combine(dir, "again", "rewards.json")));
    }

    [Fact]
    public void AMovingCameraIsSaidInTheOutput()
    {
        var scenes = Path.Combine(dir, "scenes");
        Assert.Equal(0, Run("scenes", "--robot", "--count", "1", "--seed", "9100", "--size", "160x120", "--frames", "3", "--out", scenes).Exit);
        var (exit, _, err) = Run("reward", "--model", "oracle", "--frames", Path.Combine(scenes, "scene-009100"), "--a", "gripper", "--b", "white block",
            "--out", Path.Combine(dir, "out"), "--camera", "moving");
        Assert.True(exit == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "out", "rewards.json")))!;
        Assert.Equal("moving", (string)json["camera"]!["mode"]!);
        Assert.Contains("per image", (string)json["camera"]!["frame"]!);
    }

    [Fact]
    public void AnEmptyFolderIsAOneLineError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        OneLineError(Run("reward", "--model", "oracle", "--frames", empty, "--a", "a", "--b", "b", "--out", Path.Combine(dir, "out")), "no frames");
    }

    [Fact]
    public void FramesOfDifferentSizesAreAOneLineError()
    {
        var scenes = Path.Combine(dir, "scenes");
        Assert.Equal(0, Run("scenes", "--count", "1", "--seed", "1", "--size", "160x120", "--out", Path.Combine(dir, "small")).Exit);
        Assert.Equal(0, Run("scenes", "--count", "1", "--seed", "1", "--size", "200x150", "--out", Path.Combine(dir, "large")).Exit);
        var frames = Directory.CreateDirectory(Path.Combine(dir, "mixed")).FullName;
        File.Copy(Path.Combine(dir, "small", "scene-000001", "image.png"), Path.Combine(frames, "0.png"));
        File.Copy(Path.Combine(dir, "large", "scene-000001", "image.png"), Path.Combine(frames, "1.png"));
        OneLineError(Run("reward", "--model", "oracle", "--frames", frames, "--a", "a", "--b", "b", "--out", Path.Combine(dir, "out")), "frames differ in size");
    }

    [Fact]
    public void AVideoThatWillNotDecodeIsAOneLineError()
    {
        var video = Path.Combine(dir, "broken.mp4");
        File.WriteAllText(video, "this is not a video");
        OneLineError(Run("reward", "--model", "oracle", "--frames", video, "--a", "a", "--b", "b", "--out", Path.Combine(dir, "out")), "ffmpeg could not decode it");
    }

    [Fact]
    public void WithoutFfmpegAVideoIsRefusedNamingTheDebianPackage()
    {
        var video = Path.Combine(dir, "any.mp4");
        File.WriteAllText(video, "x");
        var nowhere = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var stderr = new StringWriter();
        var exit = CliRunner.Run(CommandTree.Build(new ModelStore(Path.Combine(dir, "models"), []), nowhere),
            ["reward", "--model", "oracle", "--frames", video, "--a", "a", "--b", "b", "--out", Path.Combine(dir, "out")], new StringWriter(), stderr);
        OneLineError((exit, "", stderr.ToString()), "Debian's package ffmpeg");
    }

    [Theory]
    [InlineData("--smoothing", "spline", "--smoothing")]
    [InlineData("--camera", "wrist", "--camera")]
    [InlineData("--samples", "0", "--samples")]
    public void BadFlagsAreOneLineErrors(string flag, string value, string expected)
    {
        var frames = Directory.CreateDirectory(Path.Combine(dir, "frames")).FullName;
        OneLineError(Run("reward", "--model", "oracle", "--frames", frames, "--a", "a", "--b", "b", "--out", Path.Combine(dir, "out"), flag, value), expected);
    }
}
