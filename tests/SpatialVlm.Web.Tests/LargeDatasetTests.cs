using System.Diagnostics;
using System.Text;
using SpatialVlm.Contracts.Dataset;
using Xunit.Abstractions;

namespace SpatialVlm.Web.Tests;

/// <summary>
/// A 100k-question dataset (the generated records repeated with new ids and 30 questions each): the viewer indexes it once and
/// answers pages from the index and single seeks. Checks structure, not wall-clock; the timings are written to the test output
/// and to large-dataset-timings.txt beside the test assembly.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class LargeDatasetTests(ViewerFolders folders, ITestOutputHelper output)
{
    internal const int Images = 3400, QuestionsPerImage = 30;

    [Fact]
    public async Task HundredThousandQuestionsArePagedFromTheIndex()
    {
        var clock = Stopwatch.StartNew();
        var root = LargeDataset.Write(folders, Images, QuestionsPerImage);
        var writeMs = clock.ElapsedMilliseconds;
        var sources = folders.Records();
        var fileMb = new FileInfo(Path.Combine(root, DatasetFolder.RecordsFile)).Length / 1e6;

        GC.Collect();
        var heapBefore = GC.GetTotalMemory(true);
        clock.Restart();
        var catalog = DatasetCatalog.Open(root);
        var indexMs = clock.ElapsedMilliseconds;
        var heapMb = (GC.GetTotalMemory(true) - heapBefore) / 1e6;
        Assert.Equal(Images, catalog.Summary.Images);
        Assert.Equal(Images * QuestionsPerImage, catalog.Summary.Qa);
        Assert.True(catalog.Summary.Qa >= 100_000);

        // Pages come from the index: no byte of the file is read for them; a record is one seek and one line.
        var last = catalog.Cards(Images - 50, 50, null, null);
        Assert.Equal(50, last.Items.Count);
        Assert.Equal($"{sources[(Images - 1) % sources.Count].Id}-copy{Images - 1:D5}", last.Items[^1].Id);
        var type = catalog.Summary.QaByType.Keys.First();
        catalog.Cards(0, 50, type, null);
        Assert.Equal(0, catalog.BytesReadForRequests);
        var detail = catalog.Detail(Images - 1, null);
        Assert.Equal(QuestionsPerImage, detail.QaTotal);
        var lastLine = File.ReadLines(Path.Combine(root, DatasetFolder.RecordsFile)).Last();
        Assert.Equal(Encoding.UTF8.GetByteCount(lastLine), catalog.BytesReadForRequests);

        // Over HTTP.
        clock.Restart();
        await using var host = await ViewerHost.StartAsync(root);
        var startMs = clock.ElapsedMilliseconds;
        var timings = new List<string>();
        async Task<double> Time<T>(string label, string path, int runs = 20)
        {
            await host.Get<T>(path); // warm
            var times = new List<double>();
            for (int k = 0; k < runs; k++)
            {
                var t = Stopwatch.StartNew();
                await host.Get<T>(path);
                times.Add(t.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            timings.Add($"{label}: median {times[runs / 2]:0.0} ms, max {times[^1]:0.0} ms");
            return times[runs / 2];
        }
        await Time<DatasetSummary>("GET /api/dataset/summary", "/api/dataset/summary");
        await Time<Page<RecordCard>>("GET records page 1 (50)", "/api/dataset/records?offset=0&limit=50");
        await Time<Page<RecordCard>>("GET records last page (50)", $"/api/dataset/records?offset={Images - 50}&limit=50");
        await Time<Page<RecordCard>>("GET records filtered by type", $"/api/dataset/records?type={type}&offset=1000&limit=50");
        await Time<RecordDetail>("GET last record detail", $"/api/dataset/records/{Images - 1}");
        var page = Stopwatch.StartNew();
        var html = await host.Http.GetStringAsync("/");
        await host.Http.GetStringAsync("/static/app.js");
        Assert.Contains("app.js", html);
        timings.Add($"page shell (/ + app.js): {page.Elapsed.TotalMilliseconds:0.0} ms");

        var report = new StringBuilder()
            .AppendLine($"{Images} images x {QuestionsPerImage} QA = {Images * QuestionsPerImage} questions, dataset.jsonl {fileMb:0.0} MB (written in {writeMs} ms)")
            .AppendLine($"index built in {indexMs} ms (one streaming pass), index + summaries on the heap: {heapMb:0.0} MB; server start incl. index: {startMs} ms");
        foreach (var t in timings) report.AppendLine(t);
        output.WriteLine(report.ToString());
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "large-dataset-timings.txt"), report.ToString());
    }
}

/// <summary>The generated records repeated with new ids and a fixed number of questions each, written once per test run.</summary>
internal static class LargeDataset
{
    public static string Write(ViewerFolders folders, int images, int questionsPerImage)
    {
        var root = Path.Combine(folders.Root, $"large-{images}x{questionsPerImage}");
        {
            // Tests of the viewer folders run one after another (one collection): the first writes it, the others reuse it.
            if (File.Exists(Path.Combine(root, DatasetFolder.RecordsFile))) return root;
            Directory.CreateDirectory(Path.Combine(root, "images"));
            var sources = folders.Records();
            foreach (var r in sources) File.Copy(Path.Combine(folders.Dataset, r.Image), Path.Combine(root, r.Image), overwrite: true);
            var temp = Path.Combine(root, DatasetFolder.RecordsFile + ".tmp");
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                for (int i = 0; i < images; i++)
                {
                    var source = sources[i % sources.Count];
                    var qa = Enumerable.Range(0, questionsPerImage).Select(k => source.Qa[k % source.Qa.Count]).ToList();
                    writer.Write(DatasetRecordJson.Serialize(source with { Id = $"{source.Id}-copy{i:D5}", Qa = qa }));
                    writer.Write('\n');
                }
            File.Move(temp, Path.Combine(root, DatasetFolder.RecordsFile));
        }
        return root;
    }
}
