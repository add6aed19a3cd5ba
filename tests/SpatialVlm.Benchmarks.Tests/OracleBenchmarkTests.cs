using SpatialVlm.Benchmarks;
using SpatialVlm.Evaluation;
using System.Text.Json.Nodes;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;

namespace SpatialVlm.Benchmarks.Tests;

/// <summary>
/// The oracle (the geometric pipeline answering from its own reconstruction of depth and masks) on a
/// 500-question benchmark built from exact ground truth: the ceiling a model trained on our data can reach.
/// </summary>
public sealed class OracleBenchmarkTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("oracle-bench-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task OracleClearsTheBoundOnAProceduralBenchmark()
    {
        var scenes = Path.Combine(root, "scenes");
        var generator = new SceneGenerator(new SceneOptions());
        for (long seed = 5000; seed < 5060; seed++)
            SceneFolder.Write(Path.Combine(scenes, SceneGenerator.SceneId(seed)), generator.Generate(seed));
        var benchmarkPath = Path.Combine(root, "bench.jsonl");
        var count = BenchmarkBuilder.Build(scenes, benchmarkPath, new BenchmarkBuildOptions { MaxQuestions = 500 }).Questions;
        Assert.Equal(500, count);

        var lines = File.ReadAllLines(benchmarkPath).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.All(lines, l => Assert.True(File.Exists(Path.Combine(root, (string)l["image"]!))));
        Assert.True(lines.Select(l => (string)l["type"]!).Distinct().Count() >= 40, "the benchmark should cover nearly every type");
        var quantitativeShare = lines.Count(l => (string)l["kind"]! == "quantitative") / (double)lines.Count;
        Assert.InRange(quantitativeShare, 0.4, 0.6);

        var file = BenchmarkReader.Read(benchmarkPath);
        Assert.Empty(file.Problems);
        var run = await EvalRunner.RunAsync(file, "bench.jsonl", new OracleAnswerer(new SynthesisOptions()), "oracle", new EvalOptions(), _ => { });
        Assert.Equal(0, run.Failed);
        Assert.True(run.Metrics.Qualitative.Accuracy >= 0.95, $"qualitative accuracy {run.Metrics.Qualitative.Accuracy:P1}");
        Assert.True(run.Metrics.Quantitative.InRange50To200 >= 0.95, $"in range [50, 200] {run.Metrics.Quantitative.InRange50To200:P1}");
        Assert.Equal(1.0, run.Metrics.Quantitative.OutputNumbers);
    }
}
