using System.Text.Json.Nodes;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Web.Tests;

[Collection(ViewerCollection.Name)]
public sealed class BenchmarkEvalApiTests(ViewerFolders folders)
{
    [Fact]
    public async Task BenchmarkCountsPagesAndTypeFilterFollowTheFile()
    {
        await using var host = await ViewerHost.StartAsync(folders.BenchmarkFolder);
        var file = BenchmarkReader.Read(folders.BenchmarkFile);
        var summary = await host.Get<BenchmarkFileSummary>("/api/benchmark/summary");
        Assert.Equal(file.Items.Count, summary.Questions);
        Assert.Equal(file.Items.GroupBy(i => i.Type.Id).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())), summary.ByType.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
        Assert.Equal(file.Items.Count(i => i.IsQualitative), summary.ByKind["qualitative"]);
        var all = new List<BenchmarkItemView>();
        for (int offset = 0; offset < file.Items.Count; offset += 30)
            all.AddRange((await host.Get<Page<BenchmarkItemView>>($"/api/benchmark/items?offset={offset}&limit=30")).Items);
        Assert.Equal(file.Items.Select(i => (i.Id, i.Type.Id, i.Question)), all.Select(i => (i.Id, i.Type, i.Question)));
        Assert.All(all, i => Assert.NotNull(i.ImageUrl));
        var type = file.Items[0].Type.Id;
        var filtered = await host.Get<Page<BenchmarkItemView>>($"/api/benchmark/items?type={type}&limit=500");
        Assert.Equal(file.Items.Where(i => i.Type.Id == type).Select(i => i.Id), filtered.Items.Select(i => i.Id));
        Assert.Equal(file.Items.Count(i => !i.IsQualitative), (await host.Get<Page<BenchmarkItemView>>("/api/benchmark/items?kind=quantitative")).Total);
    }

    [Fact]
    public async Task EvalMetricsAndPredictionsAreThoseOfTheFiles()
    {
        await using var host = await ViewerHost.StartAsync(folders.ConstantRun);
        var runs = await host.Get<List<EvalRunSummary>>("/api/eval/runs");
        var run = Assert.Single(runs);
        var metrics = MetricsReport.ParseJson(File.ReadAllText(Path.Combine(folders.ConstantRun, "metrics.json")), "metrics.json");
        Assert.Equal(metrics.Qualitative.N, run.Metrics.QualitativeN);
        Assert.Equal(metrics.Qualitative.Accuracy, run.Metrics.QualitativeAccuracy);
        Assert.Equal(metrics.Quantitative.InRange50To200, run.Metrics.InRange50To200);
        Assert.Equal(metrics.Quantitative.MedianAbsRelErr, run.Metrics.MedianAbsRelErr);
        Assert.Equal(metrics.ByType.Count, run.Metrics.ByType.Count);
        Assert.Equal(["accuracy_by_type.png", "distance_scatter.png", "in_range_by_depth.png"], run.Plots);

        var lines = File.ReadAllLines(Path.Combine(folders.ConstantRun, "predictions.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(lines.Count, run.Predictions);
        Assert.Equal(lines.Count(l => (double?)l["score"] == 1), run.Right);
        Assert.Equal(lines.Count(l => (double?)l["score"] == 0), run.Wrong);
        Assert.True(run.Right > 0 && run.Wrong > 0, "the constant answerer is right on some questions and wrong on others");

        var wrong = await host.Get<Page<PredictionView>>("/api/eval/runs/0/predictions?outcome=wrong&limit=500");
        Assert.Equal(run.Wrong, wrong.Total);
        Assert.All(wrong.Items, p => Assert.Equal(0, p.Score));
        var type = (string)lines[0]["type"]!;
        var byType = await host.Get<Page<PredictionView>>($"/api/eval/runs/0/predictions?type={type}&limit=500");
        Assert.Equal(lines.Where(l => (string)l["type"]! == type).Select(l => (string)l["id"]!), byType.Items.Select(p => p.Id));
        var bin = run.DepthBins.First(b => b.Count > 0);
        var byDepth = await host.Get<Page<PredictionView>>($"/api/eval/runs/0/predictions?depth={Uri.EscapeDataString(bin.Label)}&limit=500");
        Assert.Equal(bin.Count, byDepth.Total);
        Assert.Equal(run.Predictions, run.DepthBins.Sum(b => b.Count));

        var sorted = await host.Get<Page<PredictionView>>("/api/eval/runs/0/predictions?outcome=wrong&sort=error&limit=500");
        var errors = sorted.Items.Where(p => p.Kind == "quantitative" && p.RelativeError != null).Select(p => p.RelativeError!.Value).ToList();
        Assert.NotEmpty(errors);
        Assert.Equal(errors.OrderByDescending(e => e), errors);
        foreach (var p in sorted.Items.Where(p => p.RelativeError != null))
        {
            var line = lines.Single(l => (string)l["id"]! == p.Id);
            var expected = (double)line["expected"]!;
            Assert.Equal(Math.Abs((double)line["parsed"]! - expected) / expected, p.RelativeError!.Value, 9);
        }
        var (status, _) = await host.Fail("/api/eval/runs/0/predictions?sort=sideways");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task TwoRunsAreJoinedByQuestion()
    {
        await using var host = await ViewerHost.StartAsync(folders.OracleRun, folders.ConstantRun);
        Assert.Equal("compare", (await host.Get<FolderInfo>("/api/info")).Kind);
        var runs = await host.Get<List<EvalRunSummary>>("/api/eval/runs");
        Assert.Equal(["eval-oracle", "eval-constant"], runs.Select(r => r.Name));
        var page = await host.Get<Page<ComparedPrediction>>("/api/eval/compare?limit=500");
        Assert.Equal(runs[0].Predictions, page.Total);
        Assert.All(page.Items, row => Assert.Equal(row.First.Id, row.Second!.Id));
        var differ = await host.Get<Page<ComparedPrediction>>("/api/eval/compare?differ=true&limit=500");
        Assert.Equal(page.Items.Count(r => r.First.Outcome != r.Second!.Outcome), differ.Total);
        Assert.True(differ.Total > 0);
    }
}
