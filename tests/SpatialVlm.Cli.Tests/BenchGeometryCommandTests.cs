using System.CommandLine;
using System.Text.Json;
using SpatialVlm.Cli;
using SpatialVlm.Cli.Commands;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Tests;

public sealed class BenchGeometryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bench-geometry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SharedData(params string[] parts) => SpatialVlm.Tests.SharedFolder.Data(parts);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test") { BenchCommand.Create() };
        var stdout = new StringWriter(); var stderr = new StringWriter();
        int exit = CliRunner.Run(root, ["bench", "geometry", .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static void AssertOneLineError((int Exit, string Out, string Err) r, string contains)
    {
        Assert.NotEqual(0, r.Exit);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(contains, lines[0]);
        Assert.Equal("", r.Out);
    }

    private string SmallColor()
    {
        var path = Path.Combine(_dir, "color.png");
        File.WriteAllBytes(path, ColorImageCodec.EncodePng(new RgbImage(8, 6)));
        return path;
    }

    [Fact]
    public void MissingFile() =>
        AssertOneLineError(Run("--color", SmallColor(), "--depth", Path.Combine(_dir, "nope.png"), "--intrinsics", "5,5,3.5,2.5"), "no such file");

    [Fact]
    public void NotAnImage()
    {
        var text = Path.Combine(_dir, "depth.png");
        File.WriteAllText(text, "hello, not a picture");
        AssertOneLineError(Run("--color", SmallColor(), "--depth", text, "--intrinsics", "5,5,3.5,2.5"), "not a PNG");
        AssertOneLineError(Run("--color", text, "--depth", text, "--intrinsics", "5,5,3.5,2.5"), "not an image");
    }

    [Fact]
    public void EightBitDepth() =>
        AssertOneLineError(Run("--color", SharedData("rgbd", "other_formats", "TUM_color.png"),
            "--depth", SharedData("rgbd", "other_formats", "TUM_color.png"), "--intrinsics", "525,525,319.5,239.5"), "16-bit");

    [Fact]
    public void AllZeroDepth()
    {
        var depth = Path.Combine(_dir, "zero.png");
        File.WriteAllBytes(depth, Png16.Encode(new ushort[48], 8, 6));
        AssertOneLineError(Run("--color", SmallColor(), "--depth", depth, "--intrinsics", "5,5,3.5,2.5"), "no valid depth");
    }

    [Fact]
    public void IntrinsicsThatDoNotParse()
    {
        var depth = Path.Combine(_dir, "d.png");
        File.WriteAllBytes(depth, Png16.Encode(Enumerable.Repeat((ushort)1000, 48).ToArray(), 8, 6));
        AssertOneLineError(Run("--color", SmallColor(), "--depth", depth, "--intrinsics", "5,5,three"), "intrinsics");
        AssertOneLineError(Run("--color", SmallColor(), "--depth", depth, "--intrinsics", "5,5,3.5"), "intrinsics");
        AssertOneLineError(Run("--color", SmallColor(), "--depth", depth, "--intrinsics", "5,5,3.5,2.5", "--runs", "0"), "--runs");
    }

    [Fact]
    public void PrintsTheInterfaceKeysForARealFrame()
    {
        var r = Run("--color", SharedData("rgbd", "color", "00000.jpg"), "--depth", SharedData("rgbd", "depth", "00000.png"),
            "--depth-scale", "1000", "--intrinsics", "525,525,319.5,239.5", "--runs", "1", "--warmup", "0");
        Assert.True(r.Exit == 0, r.Err);
        using var json = JsonDocument.Parse(r.Out);
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["points", "lift_ms", "after_outlier", "stat_outlier_ms", "after_voxel", "voxel_ms", "clusters", "dbscan_ms",
            "plane", "plane_inliers", "plane_ms", "obb_extent", "obb_ms", "aabb_ms", "total_ms"], keys);
        Assert.Equal(267129, json.RootElement.GetProperty("points").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("plane").GetArrayLength());
        // One run: every stage time is that run's, and the run's wall time covers them all.
        var parts = TimingShape.Durations(json.RootElement, "lift_ms", "stat_outlier_ms", "voxel_ms", "dbscan_ms", "plane_ms", "obb_ms", "aabb_ms");
        var total = TimingShape.Durations(json.RootElement, "total_ms")[0];
        TimingShape.CoversParts(total, parts, decimals: 3);
    }
}
