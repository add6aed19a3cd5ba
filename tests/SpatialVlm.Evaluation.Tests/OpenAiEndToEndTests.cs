using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Imaging;

namespace SpatialVlm.Evaluation.Tests;

public sealed class OpenAiEndToEndTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "spatialvlm-eval-" + Guid.NewGuid().ToString("N"));

    private static readonly OpenAiChatOptions Fast = new()
    {
        RequestTimeout = TimeSpan.FromMilliseconds(1500), MaxRetries = 2, // generous: a busy CI machine must not time out the scripted replies
        InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50), ApiKey = "sk-test",
    };

    public OpenAiEndToEndTests() => Directory.CreateDirectory(Path.Combine(dir, "images"));

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static string Line(string id, string image, string type, string question, object answer, double? depth = 1.5) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["image"] = image, ["type"] = type, ["kind"] = QuestionCatalog.Get(type).Kind == QuestionKind.Quantitative ? "quantitative" : "qualitative",
            ["question"] = question, ["answer"] = answer, ["a"] = "red mug", ["b"] = "blue box", ["depth_m"] = depth,
        });

    /// <summary>Six askable questions, one with a missing image, one malformed line (line 4).</summary>
    private string WriteBenchmark()
    {
        var img = new RgbImage(8, 6);
        for (int i = 0; i < img.Pixels.Length; i++) img.Pixels[i] = (byte)(i * 7);
        File.WriteAllBytes(Path.Combine(dir, "images", "a.png"), ColorImageCodec.EncodePng(img));
        var lines = new[]
        {
            Line("q1", "images/a.png", "left-predicate", "Is the red mug left of the blue box?", true, 0.8),
            Line("q2", "images/a.png", "tall-choice", "Which is taller, the red mug or the blue box?", "blue box"),
            Line("q3", "images/a.png", "distance", "How far apart are the red mug and the blue box?", 0.9, 2.5),
            "{\"id\": \"broken\", \"image\": ",
            Line("q4", "images/a.png", "width", "How wide is the red mug?", 0.1),
            Line("q5", "images/a.png", "left-right-classify", "Is the red mug left or right of the blue box?", "left"),
            Line("q6", "images/a.png", "height", "How tall is the blue box?", 2.0, 4.0),
            Line("q7", "images/missing.png", "height", "How tall is the red mug?", 0.1),
        };
        var path = Path.Combine(dir, "bench.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static Dictionary<string, string[]> Script() => new()
    {
        ["Is the red mug left of the blue box?"] = ["429", "Yes, the red mug is to the left."],
        ["Which is taller, the red mug or the blue box?"] = ["500", "The blue box is taller."],
        ["How far apart are the red mug and the blue box?"] = ["slow", "about 80cm"],
        ["How wide is the red mug?"] = ["malformed", "10 cm"],
        ["Is the red mug left or right of the blue box?"] = ["503"],
        ["How tall is the blue box?"] = ["2-3 meters"],
        ["How tall is the red mug?"] = ["10 cm"],
    };

    [Fact]
    public async Task RunFinishesRetriesWhatItShouldAndReportsFailures()
    {
        using var server = new ScriptedChatServer(Script());
        var benchmark = BenchmarkReader.Read(WriteBenchmark());
        Assert.Equal(7, benchmark.Items.Count);
        var problem = Assert.Single(benchmark.Problems);
        Assert.Equal(4, problem.Line);

        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast);
        var answered = 0;
        var run = await EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:test", new EvalOptions { Concurrency = 3 },
            _ => Interlocked.Increment(ref answered));
        Assert.Empty(server.Problems);
        Assert.Equal(7, answered);

        // 429 and 500 retried once, the timeout retried once, the malformed body not retried, the 503 given up after 1 + 2 retries.
        Assert.Equal(2, server.Requests["Is the red mug left of the blue box?"]);
        Assert.Equal(2, server.Requests["Which is taller, the red mug or the blue box?"]);
        Assert.Equal(2, server.Requests["How far apart are the red mug and the blue box?"]);
        Assert.Equal(1, server.Requests["How wide is the red mug?"]);
        Assert.Equal(3, server.Requests["Is the red mug left or right of the blue box?"]);
        Assert.Equal(1, server.Requests["How tall is the blue box?"]);
        Assert.False(server.Requests.ContainsKey("How tall is the red mug?")); // image missing: never asked

        var byId = run.Predictions.ToDictionary(p => p.Item.Id);
        Assert.Equal(true, byId["q1"].Parsed.Yes);
        Assert.Equal("blue box", byId["q2"].Parsed.Text);
        Assert.Equal(0.8, byId["q3"].Parsed.Meters!.Value, 9);
        Assert.Contains("malformed response body", byId["q4"].Error);
        Assert.Contains("HTTP 503; gave up after 3 attempts", byId["q5"].Error);
        Assert.Equal(2.5, byId["q6"].Parsed.Meters!.Value, 9);
        Assert.False(byId["q7"].Counted);
        Assert.Contains("image not found", byId["q7"].Error);
        Assert.Equal((2, 1), (run.Failed, run.NotAsked));

        // Qualitative: q1 right, q2 right, q5 failed → 2/3. Quantitative: q3 ratio 0.889, q4 unparsed, q6 ratio 1.25 → 2/3 in range.
        Assert.Equal((3, 2.0 / 3), (run.Metrics.Qualitative.N, run.Metrics.Qualitative.Accuracy));
        Assert.Equal(3, run.Metrics.Quantitative.N);
        Assert.Equal(2.0 / 3, run.Metrics.Quantitative.OutputNumbers, 9);
        Assert.Equal(2.0 / 3, run.Metrics.Quantitative.InRange50To200, 9);
        Assert.Equal(2.0 / 3, run.Metrics.Quantitative.InRange75To125, 9); // 1.25 is on the inclusive edge
        Assert.Equal(0.0, run.Metrics.Quantitative.InRange90To110, 9);

        var outDir = Path.Combine(dir, "out");
        EvalOutputs.Write(outDir, run, new MetricsOptions());
        var predictionLines = File.ReadAllLines(Path.Combine(outDir, "predictions.jsonl"));
        Assert.Equal(7, predictionLines.Length);
        using (var q5 = JsonDocument.Parse(predictionLines[4]))
        {
            Assert.Equal("q5", q5.RootElement.GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.Null, q5.RootElement.GetProperty("answer").ValueKind);
            Assert.Equal(0, q5.RootElement.GetProperty("score").GetDouble());
        }
        using (var q6 = JsonDocument.Parse(predictionLines[5]))
        {
            Assert.Equal("2-3 meters", q6.RootElement.GetProperty("answer").GetString());
            Assert.Equal(2.5, q6.RootElement.GetProperty("parsed").GetDouble());
            Assert.Equal(1, q6.RootElement.GetProperty("score").GetDouble());
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json"))))
            Assert.Equal(2.0 / 3, metrics.RootElement.GetProperty("qualitative").GetProperty("accuracy").GetDouble(), 5);
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("## Failed answers (2)", report);
        Assert.Contains("## Not asked (1)", report);
        Assert.Contains("bench.jsonl line 4", report);
        foreach (var png in new[] { ReportMarkdown.ScorePlot, ReportMarkdown.ScatterPlot, ReportMarkdown.DepthPlot })
        {
            Assert.Contains($"]({png})", report);
            var image = ColorImageCodec.DecodeFile(Path.Combine(outDir, png));
            Assert.True(image.Width > 300 && image.Height > 200);
            Assert.Contains(image.Pixels, b => b < 128); // something was drawn on the white canvas
        }
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public async Task CachedAnswersAreNotAskedAgain()
    {
        using var server = new ScriptedChatServer(Script());
        var benchmark = BenchmarkReader.Read(WriteBenchmark());
        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast);
        var options = new EvalOptions { Concurrency = 2, CachePath = Path.Combine(dir, "out", "answer-cache.jsonl") };
        var first = await EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:test", options);
        var asked = server.Requests.Values.Sum();
        var second = await EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:test", options);
        // Only the failures (malformed body: 1 request, 503: 3 requests) are asked again.
        Assert.Equal(asked + 1 + 3, server.Requests.Values.Sum());
        Assert.Equal(4, second.Predictions.Count(p => p.Cached));
        Assert.Equal(first.Predictions[2].Raw, second.Predictions[2].Raw); // q3's answer replayed from the cache
        Assert.Equal("10 cm", second.Predictions[3].Raw); // q4 asked again: its script now answers
        var other = await EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:other-model", options with { Limit = 1 });
        Assert.False(other.Predictions[0].Cached); // the key includes the model
        var prompted = await EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:test", options with { Limit = 1, CacheScope = "system=Answer briefly." });
        Assert.False(prompted.Predictions[0].Cached); // and the prompt settings
    }

    [Fact]
    public async Task AHugeReplyFailsItsQuestionInBoundedMemoryAndTheRunGoesOn()
    {
        using var server = new ScriptedChatServer(new()
        {
            ["Is the red mug left of the blue box?"] = ["huge"],
            ["How wide is the red mug?"] = ["10 cm"],
        });
        var benchmark = BenchmarkReader.Read(WriteBenchmark());
        var items = benchmark.Items.Where(i => i.Id is "q1" or "q4").ToList();
        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast with { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(30), MaxResponseBytes = 1 << 20 });
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var run = await EvalRunner.RunAsync(new BenchmarkFile(items, []), "bench.jsonl", answerer, "openai:x", new EvalOptions { Concurrency = 1 });
        var grew = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var huge = run.Predictions.Single(p => p.Item.Id == "q1");
        Assert.Contains("exceeds the 1,048,576-byte limit", huge.Error);
        Assert.Null(run.Predictions.Single(p => p.Item.Id == "q4").Error);
        Assert.True(grew < 64L << 20, $"allocated {grew >> 20} MB while a 256 MB reply was offered");
    }

    [Fact]
    public async Task UnreachableServerStopsTheRunWithOneError()
    {
        var port = LoopbackChatServer.FreePort(); // nothing listens there
        var benchmark = BenchmarkReader.Read(WriteBenchmark());
        var counting = new CountingHandler { InnerHandler = new SocketsHttpHandler() };
        using var answerer = new OpenAiChatAnswerer(new Uri($"http://127.0.0.1:{port}/v1"), "test-vlm", Fast with { MaxRetries = 4, InitialBackoff = TimeSpan.FromSeconds(1) }, counting);
        var e = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:x", new EvalOptions { Concurrency = 2 }));
        // No retry on a refused connection: at most one attempt per question in flight, never the 5 a retried question makes.
        Assert.InRange(counting.Requests, 1, 2);
        Assert.StartsWith($"cannot reach http://127.0.0.1:{port}", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int requests;
        public int Requests => Volatile.Read(ref requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref requests);
            return base.SendAsync(request, ct);
        }
    }

    [Fact]
    public async Task ServerThatFailsEverythingStopsTheRunEarly()
    {
        var bench = WriteBenchmark();
        File.WriteAllLines(bench, Enumerable.Range(0, 40).Select(i => Line($"m{i}", "images/a.png", "distance", $"Question {i}?", 1.0)));
        using var server = new ScriptedChatServer(Enumerable.Range(0, 40).ToDictionary(i => $"Question {i}?", _ => new[] { "503" }));
        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast with { MaxRetries = 1 });
        var e = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            EvalRunner.RunAsync(BenchmarkReader.Read(bench), "bench.jsonl", answerer, "openai:x", new EvalOptions { Concurrency = 2, StopAfterInitialFailures = 5 }));
        Assert.Equal("openai:x: the first 5 questions all failed (last: HTTP 503; gave up after 2 attempts); stopping", e.Message);
        Assert.InRange(server.Requests.Count, 5, 8); // the questions in flight when it stopped, not all 40
    }

    [Fact]
    public async Task RejectedKeyStopsTheRun()
    {
        using var server = new ScriptedChatServer(Script().ToDictionary(kv => kv.Key, _ => new[] { "401" }));
        var benchmark = BenchmarkReader.Read(WriteBenchmark());
        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast);
        var e = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            EvalRunner.RunAsync(benchmark, "bench.jsonl", answerer, "openai:x", new EvalOptions { Concurrency = 1 }));
        Assert.Contains("HTTP 401", e.Message);
        Assert.Equal(1, server.Requests.Values.Sum());
    }

    [Fact]
    public async Task SystemPromptIsSentBeforeTheQuestion()
    {
        using var server = new ScriptedChatServer(new() { ["Answer in meters. | How tall is the blue box?"] = ["1.9 m"] });
        var item = BenchmarkReader.Read(WriteBenchmark()).Items.Single(i => i.Id == "q6");
        using var answerer = new OpenAiChatAnswerer(server.BaseUrl, "test-vlm", Fast with { SystemPrompt = "Answer in meters." });
        Assert.Equal("1.9 m", (await answerer.AnswerAsync(item.ToRequest(), CancellationToken.None)).Text);
        Assert.Empty(server.Problems);
    }

    [Fact]
    public void ContentOfReadsStringAndPartArraysAndRejectsTheRest()
    {
        Assert.Equal("hi", OpenAiChatAnswerer.ContentOf("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}"));
        Assert.Equal("ab", OpenAiChatAnswerer.ContentOf("{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]}}]}"));
        Assert.Null(OpenAiChatAnswerer.ContentOf("{\"choices\":[]}"));
        Assert.Null(OpenAiChatAnswerer.ContentOf("{\"error\":{\"message\":\"x\"}}"));
        Assert.Null(OpenAiChatAnswerer.ContentOf("[1,2]"));
        Assert.Null(OpenAiChatAnswerer.ContentOf("<html>bad gateway</html>"));
        Assert.Null(OpenAiChatAnswerer.ContentOf("{\"choices\":[{\"message\":{\"content\":null}}]}"));
    }
}
