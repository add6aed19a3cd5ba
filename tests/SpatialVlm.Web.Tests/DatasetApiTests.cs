using System.Net;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Geometry;

namespace SpatialVlm.Web.Tests;

[Collection(ViewerCollection.Name)]
public sealed class DatasetApiTests(ViewerFolders folders)
{
    [Fact]
    public async Task SummaryCountsAreThoseOfTheFile()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var info = await host.Get<FolderInfo>("/api/info");
        Assert.Equal("dataset", info.Kind);
        Assert.True(info.ThreeJsBundled, "three.js should be bundled: npm runs at build time");
        var summary = await host.Get<DatasetSummary>("/api/dataset/summary");
        Assert.Equal(records.Count, summary.Images);
        Assert.Equal(records.Sum(r => r.Qa.Count), summary.Qa);
        Assert.Equal(records.Sum(r => r.Objects.Count), summary.Objects);
        Assert.Equal(0, summary.MissingImages);
        Assert.True(summary.Qa > 0 && summary.PointsFiles > 0);
        var byType = records.SelectMany(r => r.Qa).GroupBy(q => q.Type.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(byType.OrderBy(kv => kv.Key), summary.QaByType.OrderBy(kv => kv.Key));
        var skips = records.SelectMany(r => r.Skipped).GroupBy(s => s.Reason).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(skips.OrderBy(kv => kv.Key), summary.SkippedObjectsByReason.OrderBy(kv => kv.Key));
        var questionSkips = records.SelectMany(r => r.SkippedQuestions).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
        Assert.Equal(questionSkips.OrderBy(kv => kv.Key), summary.SkippedQuestionsByReason.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task PagesCoverEveryRecordOnceInFileOrder()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var seen = new List<RecordCard>();
        for (int offset = 0; ; offset += 4)
        {
            var page = await host.Get<Page<RecordCard>>($"/api/dataset/records?offset={offset}&limit=4");
            Assert.Equal(records.Count, page.Total);
            if (page.Items.Count == 0) break;
            seen.AddRange(page.Items);
        }
        Assert.Equal(records.Select(r => r.Id), seen.Select(c => c.Id));
        Assert.Equal(records.Select(r => r.Qa.Count), seen.Select(c => c.Qa));
        Assert.Equal(records.Select(r => r.Objects.Count), seen.Select(c => c.Objects));
        Assert.All(seen, c => Assert.False(c.ImageMissing));
    }

    [Fact]
    public async Task TypeAndReasonFiltersSelectTheRecordsThatHaveThem()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        var type = records.SelectMany(r => r.Qa).GroupBy(q => q.Type.Id).OrderBy(g => g.Count()).ThenBy(g => g.Key).First().Key;
        var page = await host.Get<Page<RecordCard>>($"/api/dataset/records?type={type}&limit=500");
        Assert.Equal(records.Where(r => r.Qa.Any(q => q.Type.Id == type)).Select(r => r.Id), page.Items.Select(c => c.Id));
        var first = page.Items[0];
        var detail = await host.Get<RecordDetail>($"/api/dataset/records/{first.Index}?type={type}");
        var record = records[first.Index];
        Assert.Equal(record.Qa.Count(q => q.Type.Id == type), detail.Qa.Count);
        Assert.Equal(record.Qa.Count, detail.QaTotal);
        Assert.All(detail.Qa, q => Assert.Equal(type, q.Type));

        var reason = records.SelectMany(r => r.Skipped.Select(s => s.Reason).Concat(r.SkippedQuestions.Keys)).Order(StringComparer.Ordinal).First();
        var byReason = await host.Get<Page<RecordCard>>($"/api/dataset/records?reason={Uri.EscapeDataString(reason)}&limit=500");
        Assert.Equal(records.Where(r => r.Skipped.Any(s => s.Reason == reason) || r.SkippedQuestions.ContainsKey(reason)).Select(r => r.Id), byReason.Items.Select(c => c.Id));
        var none = await host.Get<Page<RecordCard>>("/api/dataset/records?type=no-such-type");
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task DetailIsTheRecordOfThatLine()
    {
        await using var host = await ViewerHost.StartAsync(folders.Dataset);
        var records = folders.Records();
        for (int i = 0; i < records.Count; i++)
        {
            var detail = await host.Get<RecordDetail>($"/api/dataset/records/{i}");
            var record = records[i];
            Assert.Equal(record.Id, detail.Id);
            Assert.Equal(record.Objects.Select(o => (o.Id, o.Name)), detail.Objects.Select(o => (o.Id, o.Name)));
            Assert.Equal(record.Qa.Select(q => (q.Type.Id, q.Question, q.Answer, q.Uncertain)), detail.Qa.Select(q => (q.Type, q.Question, q.Answer, q.Uncertain)));
            Assert.Equal(record.Skipped.Count, detail.Skipped.Count);
            Assert.NotNull(detail.OverlayUrl);
            Assert.All(detail.Objects, o => Assert.Equal(record.Object(o.Id)!.Mask!.Counts, o.Mask!.Counts));
            using var image = await host.Http.GetAsync(detail.ImageUrl);
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal(File.ReadAllBytes(Path.Combine(folders.Dataset, record.Image)), await image.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task PointsAreThoseOfThePlyFilesAndDownSampledBeyondTheLimit()
    {
        var records = folders.Records();
        var index = Enumerable.Range(0, records.Count).First(i => records[i].Objects.Any(o => o.PointsFile != null));
        var record = records[index];
        var counts = record.Objects.Where(o => o.PointsFile != null).ToDictionary(o => o.Id, o =>
        {
            using var stream = File.OpenRead(Path.Combine(folders.Dataset, o.PointsFile!));
            return PlyWriter.Read(stream).Count;
        });
        await using (var host = await ViewerHost.StartAsync(folders.Dataset))
        {
            var points = await host.Get<PointsView>($"/api/dataset/records/{index}/points");
            Assert.Equal(counts.Values.Sum(), points.TotalPoints);
            Assert.False(points.DownSampled);
            Assert.Equal(counts.OrderBy(kv => kv.Key), points.Objects.Select(o => KeyValuePair.Create(o.Id, o.Kept)).OrderBy(kv => kv.Key));
            Assert.All(points.Objects, o => Assert.Equal(3 * o.Kept, o.Xyz.Length));
            Assert.Empty(points.Problems);
        }
        var limit = Math.Max(10, counts.Values.Sum() / 5);
        await using (var host = await ViewerHost.StartAsync(new ViewerOptions { MaxPoints = limit }, folders.Dataset))
        {
            var points = await host.Get<PointsView>($"/api/dataset/records/{index}/points");
            Assert.True(points.DownSampled);
            Assert.InRange(points.KeptPoints, limit / 2, limit);
            Assert.Equal(counts.Values.Sum(), points.TotalPoints);
        }
    }

    [Fact]
    public async Task MissingImageAndMalformedLineAreShownAndThePageStillWorks()
    {
        await using var host = await ViewerHost.StartAsync(folders.BrokenDataset);
        var summary = await host.Get<DatasetSummary>("/api/dataset/summary");
        Assert.Equal(1, summary.MissingImages);
        Assert.Equal(1, summary.UnreadableRecords);
        var page = await host.Get<Page<RecordCard>>("/api/dataset/records?limit=500");
        var missing = Assert.Single(page.Items, c => c.ImageMissing && c.Error == null);
        Assert.Equal(folders.DeletedImage, missing.Image);
        Assert.Null(missing.ImageUrl);
        var broken = Assert.Single(page.Items, c => c.Error != null);
        var detail = await host.Get<RecordDetail>($"/api/dataset/records/{missing.Index}");
        Assert.True(detail.ImageMissing);
        Assert.NotEmpty(detail.Qa);
        var (status, error) = await host.Fail($"/api/dataset/records/{broken.Index}");
        Assert.Equal((HttpStatusCode)422, status);
        Assert.Contains("not a dataset record", error);
        var (fileStatus, _) = await host.Fail("/files?path=" + Uri.EscapeDataString(folders.DeletedImage));
        Assert.Equal(HttpStatusCode.NotFound, fileStatus);
        Assert.Equal(summary.Images - summary.MissingImages - summary.UnreadableRecords, (await host.Get<Page<RecordCard>>("/api/dataset/records?limit=500")).Items.Count(c => !c.ImageMissing));
    }

    [Fact]
    public async Task PagesAreReadFromTheirLinesOnly()
    {
        var catalog = DatasetCatalog.Open(folders.Dataset);
        Assert.Equal(0, catalog.BytesReadForRequests);
        var page = catalog.Cards(0, 50, null, null);
        Assert.Equal(catalog.Count, page.Total);
        Assert.Equal(0, catalog.BytesReadForRequests); // the grid comes from the index made at start
        catalog.Detail(1, null);
        var lines = File.ReadAllLines(Path.Combine(folders.Dataset, DatasetFolder.RecordsFile)).Where(l => l.Length > 0).ToList();
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(lines[1]), catalog.BytesReadForRequests);
    }
}
