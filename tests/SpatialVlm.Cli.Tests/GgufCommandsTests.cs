using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Tests.Gguf;
using SpatialVlm.Imaging;

namespace SpatialVlm.Cli.Tests;

/// <summary>`ask` and `eval` with a gguf:MODEL+MMPROJ spec, on tiny real llama.cpp models.</summary>
public sealed class GgufCommandsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("gguf-cli-").FullName;
    private readonly string model, mmproj, image;

    public GgufCommandsTests()
    {
        model = TinyLlama.Write(Path.Combine(dir, "tiny.gguf"));
        mmproj = TinyClipProjector.Write(Path.Combine(dir, "mmproj.gguf"));
        var img = new RgbImage(32, 24);
        new Random(3).NextBytes(img.Pixels);
        image = Path.Combine(dir, "image.png");
        File.WriteAllBytes(image, ColorImageCodec.EncodePng(img));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private string Spec => $"gguf:{model}+{mmproj}";

    [Fact]
    public void Ask_prints_one_deterministic_answer()
    {
        var first = Run("ask", "--model", Spec, "--image", image, "--threads", "1", "--context-size", "256", "--max-tokens", "6", "How far is the mug?");
        Assert.True(first.Exit == 0, first.Err);
        Assert.NotEqual("", first.Out.Trim());
        var again = Run("ask", "--model", Spec, "--image", image, "--threads", "1", "--context-size", "256", "--max-tokens", "6", "How far is the mug?");
        Assert.Equal(first.Out, again.Out);
    }

    [Theory]
    [InlineData("gguf:only.gguf", "needs a model file and a projector file")]
    [InlineData("gguf:{dir}/none.gguf+{mmproj}", "none.gguf: no such file")]
    [InlineData("gguf:{model}+{dir}/png-named.gguf", "not a GGUF file")]
    [InlineData("gguf:{model}+{model}", "could not load it as a multimodal projector")]
    public void Ask_with_a_bad_gguf_spec_fails_in_one_line(string spec, string expected)
    {
        File.Copy(image, Path.Combine(dir, "png-named.gguf"), overwrite: true);
        spec = spec.Replace("{dir}", dir).Replace("{model}", model).Replace("{mmproj}", mmproj).Replace("{image}", image);
        var (exit, output, err) = Run("ask", "--model", spec, "--image", image, "--threads", "1", "--context-size", "256", "How far?");
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", err);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void Eval_answers_a_benchmark_with_the_local_model()
    {
        var bench = Path.Combine(dir, "bench.jsonl");
        File.WriteAllLines(bench,
        [
            """{"id":"q1","image":"image.png","type":"distance","kind":"quantitative","question":"How far is the mug from the box?","answer":1.2,"a":"mug","b":"box","depth_m":2.0}""",
            """{"id":"q2","image":"image.png","type":"left-predicate","kind":"qualitative","question":"Is the mug left of the box?","answer":true,"a":"mug","b":"box","depth_m":2.0}""",
            """{"id":"q3","image":"missing.png","type":"width","kind":"quantitative","question":"How wide is the box?","answer":0.4,"a":"box","depth_m":2.0}""",
        ]);
        var outDir = Path.Combine(dir, "run");
        var (exit, output, err) = Run("eval", "--benchmark", bench, "--model", Spec, "--out", outDir, "--threads", "1", "--context-size", "256", "--max-tokens", "5");
        Assert.True(exit == 0, err);
        Assert.Contains("wrote", output);
        var predictions = File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl"));
        Assert.Equal(3, predictions.Length);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal(1, metrics.RootElement.GetProperty("qualitative").GetProperty("n").GetInt32());
        Assert.Equal(1, metrics.RootElement.GetProperty("quantitative").GetProperty("n").GetInt32());
        Assert.Contains("image not found", err);
    }
}
