using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SpatialVlm.Evaluation;
using static Microsoft.Playwright.Assertions;

namespace SpatialVlm.Web.Tests;

/// <summary>Each view in chromium: the numbers shown are those in the files, the filters work, the 3D view draws; screenshots under screenshots/.</summary>
[Collection(ViewerCollection.Name)]
public sealed class BrowserTests(ViewerFolders folders, BrowserSession browser) : IClassFixture<BrowserSession>
{
    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task DatasetGridShowsTheFileCountsAndFilters()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("#kind")).ToHaveTextAsync("dataset folder");
        await Expect(page.Locator("[data-count=images]")).ToHaveTextAsync(Text(records.Count));
        await Expect(page.Locator("[data-count=qa]")).ToHaveTextAsync(Text(records.Sum(r => r.Qa.Count)));
        await Expect(page.Locator("[data-count=objects]")).ToHaveTextAsync(Text(records.Sum(r => r.Objects.Count)));
        await Expect(page.Locator("#grid .card")).ToHaveCountAsync(records.Count);
        await Expect(page.Locator("#grid .card img")).ToHaveCountAsync(records.Count);
        foreach (var (type, count) in records.SelectMany(r => r.Qa).GroupBy(q => q.Type.Id).Select(g => (g.Key, g.Count())))
            await Expect(page.Locator($"tr[data-type='{type}'] .n")).ToHaveTextAsync(Text(count));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-grid"), FullPage = true });

        var rare = records.SelectMany(r => r.Qa).GroupBy(q => q.Type.Id).OrderBy(g => g.Select(q => q).Count()).ThenBy(g => g.Key).First().Key;
        await page.SelectOptionAsync("#type-filter", rare);
        var withType = records.Count(r => r.Qa.Any(q => q.Type.Id == rare));
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(withType));
        await Expect(page.Locator("#grid .card")).ToHaveCountAsync(withType);
        await page.SelectOptionAsync("#type-filter", "");

        var reason = records.SelectMany(r => r.Skipped.Select(s => s.Reason).Concat(r.SkippedQuestions.Keys)).Order(StringComparer.Ordinal).First();
        await page.SelectOptionAsync("#reason-filter", reason);
        var withReason = records.Count(r => r.Skipped.Any(s => s.Reason == reason) || r.SkippedQuestions.ContainsKey(reason));
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(withReason));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-grid-filtered"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ImageViewShowsMasksQuestionsAndSkips()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var index = Enumerable.Range(0, records.Count).MaxBy(i => records[i].Qa.Count);
        var record = records[index];
        var (page, errors) = await browser.OpenAsync(new Uri(host.Url, $"#record/{index}"));
        await Expect(page.Locator("h2")).ToHaveTextAsync(record.Id);
        await Expect(page.Locator("#qa tr[data-type]")).ToHaveCountAsync(record.Qa.Count);
        await Expect(page.Locator("#objects tr[data-object]")).ToHaveCountAsync(record.Objects.Count);
        await Expect(page.Locator("[data-count=skipped]")).ToHaveTextAsync(Text(record.Skipped.Count));
        var masked = record.Objects.Count(o => o.Mask != null && o.Mask.ToPixels().Length > 0);
        await Expect(page.Locator("#masks")).ToHaveAttributeAsync("data-drawn-masks", Text(masked));
        foreach (var o in record.Objects.Where(o => o.Name != null))
            await Expect(page.Locator($"#objects tr[data-object='{o.Id}']")).ToContainTextAsync(o.Name!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-image"), FullPage = true });

        // Layer by layer: one mask off.
        await page.Locator($"[data-layer='{record.Objects[0].Id}']").UncheckAsync();
        await Expect(page.Locator("#masks")).ToHaveAttributeAsync("data-drawn-masks", Text(masked - (record.Objects[0].Mask?.ToPixels().Length > 0 ? 1 : 0)));
        await page.Locator("#layer-overlay").CheckAsync();
        await Expect(page.Locator("#overlay")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-image-layers"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ThreeDViewDrawsPointsAndOneBoxPerObject()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var index = Enumerable.Range(0, records.Count).MaxBy(i => records[i].Objects.Count);
        var (page, errors) = await browser.OpenAsync(new Uri(host.Url, $"#record/{index}/3d"));
        var view = page.Locator("#view3d");
        await Expect(view).ToHaveAttributeAsync("data-ready", "true");
        await Expect(view).ToHaveAttributeAsync("data-box-count", Text(records[index].Objects.Count));
        Assert.Equal(records[index].Objects.Count, await page.EvaluateAsync<int>("() => window.viewer3d.boxCount"));
        Assert.True(await page.EvaluateAsync<int>("() => window.viewer3d.pointCount") > 0);
        var painted = await page.EvaluateAsync<int>("() => window.viewer3d.paintedPixels()");
        Assert.True(painted > 1000, $"the 3D canvas has only {painted} painted pixels");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-3d"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AMissingImageIsShownAsMissingAndThePageWorks()
    {
        await using var host = await ViewerHost.StartAsync(folders.BrokenDataset);
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("[data-count=missing-images]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-count=unreadable]")).ToHaveTextAsync("1");
        var missingCard = page.Locator(".card", new PageLocatorOptions { Has = page.Locator("[data-missing=true]") });
        await Expect(missingCard).ToHaveCountAsync(1);
        await missingCard.ClickAsync();
        await BrowserSession.Ready(page);
        await Expect(page.Locator("#photo[data-missing=true]")).ToBeVisibleAsync();
        Assert.True(await page.Locator("#qa tr[data-type]").CountAsync() > 0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("dataset-missing-image"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task BenchmarkViewShowsTheQuestionsAndFilters()
    {
        await using var host = await ViewerHost.StartAsync(folders.BenchmarkFolder);
        var file = BenchmarkReader.Read(folders.BenchmarkFile);
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("#kind")).ToHaveTextAsync("benchmark folder");
        await Expect(page.Locator("[data-count=questions]")).ToHaveTextAsync(Text(file.Items.Count));
        await Expect(page.Locator("[data-count=quantitative]")).ToHaveTextAsync(Text(file.Items.Count(i => !i.IsQualitative)));
        await Expect(page.Locator("#items tr[data-type]")).ToHaveCountAsync(Math.Min(50, file.Items.Count));
        var type = file.Items.GroupBy(i => i.Type.Id).MaxBy(g => g.Count())!.Key;
        await page.SelectOptionAsync("#type-filter", type);
        var n = file.Items.Count(i => i.Type.Id == type);
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(n));
        await Expect(page.Locator($"#items tr[data-type='{type}']")).ToHaveCountAsync(Math.Min(50, n));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("benchmark"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task EvalViewShowsMetricsPlotsAndPredictionsBesideTheTruth()
    {
        await using var host = await ViewerHost.StartAsync(folders.ConstantRun);
        var metrics = MetricsReport.ParseJson(File.ReadAllText(Path.Combine(folders.ConstantRun, "metrics.json")), "metrics.json");
        var lines = File.ReadAllLines(Path.Combine(folders.ConstantRun, "predictions.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("#kind")).ToHaveTextAsync("eval folder");
        await Expect(page.Locator("[data-metric=qualitativeN] td[data-run='0']")).ToHaveTextAsync(Text(metrics.Qualitative.N));
        await Expect(page.Locator("[data-metric=qualitativeAccuracy] td[data-run='0']")).ToHaveTextAsync((100 * metrics.Qualitative.Accuracy).ToString("0.0", CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-metric=inRange50To200] td[data-run='0']")).ToHaveTextAsync((100 * metrics.Quantitative.InRange50To200).ToString("0.0", CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-count=predictions]")).ToHaveTextAsync(Text(lines.Count));
        await Expect(page.Locator(".plots img")).ToHaveCountAsync(3);
        Assert.True(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.plots img')].every(i => i.complete && i.naturalWidth > 0)"));
        var first = lines[0];
        var row = page.Locator($"#predictions tr[data-id='{(string)first["id"]!}']");
        await Expect(row.Locator(".truth")).ToHaveTextAsync(new PredictionText(first["expected"]!, (string)first["kind"]!).ToString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("eval"), FullPage = true });

        await page.SelectOptionAsync("#outcome-filter", "wrong");
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(lines.Count(l => (double?)l["score"] == 0)));
        await page.SelectOptionAsync("#sort", "error");
        await Expect(page.Locator("#predictions tr[data-id] [data-outcome]").First).ToHaveTextAsync("wrong");
        var shown = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('#predictions [data-rel-error]')].map(e => e.dataset.relError).filter(v => v !== '').map(Number)");
        Assert.NotEmpty(shown);
        Assert.Equal(shown.OrderByDescending(v => v), shown);
        var type = (string)first["type"]!;
        await page.SelectOptionAsync("#outcome-filter", "");
        await page.SelectOptionAsync("#type-filter", type);
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(lines.Count(l => (string)l["type"]! == type)));
        var depths = lines.Select(l => l["depth_m"] is JsonValue v ? (double?)v : null).ToList();
        var (bin, inBin) = EvalCatalog.DepthBins.Select(b => (b.Label, depths.Count(d => d >= b.Low && d < b.High))).MaxBy(b => b.Item2);
        Assert.True(inBin > 0, "the benchmark records depths");
        await page.SelectOptionAsync("#type-filter", "");
        await page.SelectOptionAsync("#depth-filter", bin);
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(inBin));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("eval-filtered"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TwoRunsSideBySide()
    {
        await using var host = await ViewerHost.StartAsync(folders.OracleRun, folders.ConstantRun);
        var oracle = MetricsReport.ParseJson(File.ReadAllText(Path.Combine(folders.OracleRun, "metrics.json")), "oracle");
        var constant = MetricsReport.ParseJson(File.ReadAllText(Path.Combine(folders.ConstantRun, "metrics.json")), "constant");
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("#kind")).ToHaveTextAsync("compare folder");
        await Expect(page.Locator("[data-metric=qualitativeAccuracy] td[data-run='0']")).ToHaveTextAsync((100 * oracle.Qualitative.Accuracy).ToString("0.0", CultureInfo.InvariantCulture));
        await Expect(page.Locator("[data-metric=qualitativeAccuracy] td[data-run='1']")).ToHaveTextAsync((100 * constant.Qualitative.Accuracy).ToString("0.0", CultureInfo.InvariantCulture));
        await Expect(page.Locator(".plots img")).ToHaveCountAsync(6);
        await page.Locator("#differ").CheckAsync();
        var oracleLines = File.ReadAllLines(Path.Combine(folders.OracleRun, "predictions.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToDictionary(l => (string)l["id"]!, l => (double?)l["score"]);
        var constantLines = File.ReadAllLines(Path.Combine(folders.ConstantRun, "predictions.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToDictionary(l => (string)l["id"]!, l => (double?)l["score"]);
        var differ = oracleLines.Count(kv => Outcome(kv.Value) != Outcome(constantLines[kv.Key]));
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(differ));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("eval-compare"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheGridOfAHundredThousandQuestionDatasetLoadsOnePage()
    {
        var root = LargeDataset.Write(folders, LargeDatasetTests.Images, LargeDatasetTests.QuestionsPerImage);
        await using var host = await ViewerHost.StartAsync(root);
        var (page, errors) = await browser.OpenAsync(host.Url);
        await Expect(page.Locator("#grid .card")).ToHaveCountAsync(50);
        var gridMs = await page.Locator("#grid").GetAttributeAsync("data-since-navigation-ms");
        await Expect(page.Locator("[data-count=qa]")).ToHaveTextAsync(Text(LargeDatasetTests.Images * LargeDatasetTests.QuestionsPerImage));
        await Expect(page.Locator(".page-info")).ToHaveAttributeAsync("data-total", Text(LargeDatasetTests.Images));
        await page.Locator("[data-move=next]").ClickAsync();
        await Expect(page.Locator("#grid .card").First).ToHaveAttributeAsync("data-index", "50");
        var nextMs = await page.Locator("#grid").GetAttributeAsync("data-page-ms");
        await page.GotoAsync(new Uri(host.Url, $"#record/{LargeDatasetTests.Images - 1}").ToString());
        await Expect(page.Locator("#qa tr[data-type]")).ToHaveCountAsync(LargeDatasetTests.QuestionsPerImage);
        var recordMs = await page.EvaluateAsync<double>("() => performance.getEntriesByName('record-rendered').at(-1).duration");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = BrowserSession.ScreenshotPath("large-dataset-record") });
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "large-dataset-page-timings.txt"),
            $"chromium, {LargeDatasetTests.Images} images, {LargeDatasetTests.Images * LargeDatasetTests.QuestionsPerImage} QA: first grid page (50 cards) drawn {gridMs} ms after navigation start; next page (request + drawing) {nextMs} ms; last record's view (request, masks, tables) {recordMs:0.0} ms\n");
        Assert.Empty(errors);
    }

    private static string Outcome(double? score) => score is not { } s ? "not-scored" : s >= 0.5 ? "right" : "wrong";

    /// <summary>How the page writes an expected value: yes/no, the text, or meters with up to four decimals.</summary>
    private sealed record PredictionText(JsonNode Value, string Kind)
    {
        public override string ToString() => Value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => "yes",
            System.Text.Json.JsonValueKind.False => "no",
            System.Text.Json.JsonValueKind.String => (string)Value!,
            _ => ((double)Value).ToString("0.####", CultureInfo.InvariantCulture) + (Kind == "quantitative" ? " m" : ""),
        };
    }
}
