using System.Text.Json.Nodes;

namespace SpatialVlm.Cli.Tests;

public sealed class SynthCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("synth-cli-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    [Theory]
    [InlineData("synth", "--out", "{dir}/a")]                                          // no input
    [InlineData("synth", "--out", "{dir}/a", "--scenes", "2", "--input", "{dir}")]     // two inputs
    [InlineData("synth", "--out", "{dir}/a", "--scenes", "2", "--size", "99999x3")]    // absurd size
    [InlineData("synth", "--out", "{dir}/a", "--scenes", "2", "--format", "csv")]      // unknown format
    [InlineData("synth", "--out", "{dir}/a", "--scenes", "two")]                        // not a number
    [InlineData("synth", "--out", "{dir}/a", "--input", "{dir}/missing")]               // missing folder
    public void WrongFlagsGiveOneLineErrors(params string[] args)
    {
        var (exit, _, err) = Run(args.Select(a => a.Replace("{dir}", dir)).ToArray());
        Assert.NotEqual(0, exit);
        Assert.StartsWith("error: ", err);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, "a", "dataset.jsonl")));
    }

    [Fact]
    public void SmallRunWritesTheDatasetAndResumes()
    {
        var outDir = Path.Combine(dir, "run");
        var (exit, stdout, err) = Run("synth", "--out", outDir, "--scenes", "3", "--seed", "7", "--size", "320x240", "--qa-per-image", "12");
        Assert.True(exit == 0, err);
        Assert.Contains("3 images", stdout);
        var lines = File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl"));
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.InRange(JsonNode.Parse(l)!["qa"]!.AsArray().Count, 1, 12));
        foreach (var f in new[] { "dataset.parquet", "llava.json", "README.md", "manifest.json" }) Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var again = Run("synth", "--out", outDir, "--scenes", "3", "--seed", "7", "--size", "320x240", "--qa-per-image", "12");
        Assert.Contains("3 resumed", again.Out);
        Assert.Equal(lines, File.ReadAllLines(Path.Combine(outDir, "dataset.jsonl")));
    }
}
