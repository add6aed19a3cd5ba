using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Evaluation.Tests;

public class BenchmarkAndSpecTests
{
    private static BenchmarkFile Parse(params string[] lines) =>
        BenchmarkReader.Parse(new StringReader(string.Join("\n", lines)), "/data/bench", "bench.jsonl");

    private const string Good = """{"id":"d1","image":"img/a.png","type":"distance","kind":"quantitative","question":"How far?","answer":1.23,"a":"red mug","b":"blue box","depth_m":2.4}""";

    [Fact]
    public void ReadsEveryKind()
    {
        var file = Parse(
            Good,
            """{"id":"p1","image":"a.png","type":"left-predicate","kind":"qualitative","question":"?","answer":true,"a":"red mug","b":"blue box"}""",
            """{"id":"c1","image":"a.png","type":"tall-choice","question":"?","answer":"the blue box","a":"red mug","b":"blue box","depth_m":null}""",
            """{"id":"k1","image":"a.png","type":"behind-front-classify","kind":"classify","question":"?","answer":"Front","a":"red mug","b":"blue box"}""",
            """{"id":"p2","image":"a.png","type":"big-predicate","kind":"predicate","question":"?","answer":"no"}""");
        Assert.Empty(file.Problems);
        var d = file.Items[0];
        Assert.Equal((QuestionKind.Quantitative, 1.23, 2.4, "/data/bench/img/a.png", 1), (d.Kind, d.ExpectedMeters!.Value, d.DepthM!.Value, d.ImagePath, d.Line));
        Assert.Equal((QuestionKind.Predicate, true, "left"), (file.Items[1].Kind, file.Items[1].ExpectedYes!.Value, file.Items[1].Relation));
        Assert.Equal((QuestionKind.Choice, "the blue box", (double?)null), (file.Items[2].Kind, file.Items[2].ExpectedText, file.Items[2].DepthM));
        Assert.Equal((QuestionKind.Classify, "front", ("behind", "front")), (file.Items[3].Kind, file.Items[3].ExpectedText, file.Items[3].ClassifyPair!.Value));
        Assert.False(file.Items[4].ExpectedYes);
    }

    public static readonly TheoryData<string, string> Malformed = new()
    {
        { "{\"id\": ", "not valid JSON" },
        { "[1, 2]", "not a JSON object" },
        { """{"image":"a.png","type":"distance","question":"?","answer":1}""", "missing id" },
        { """{"id":"x","type":"distance","question":"?","answer":1}""", "missing image" },
        { """{"id":"x","image":"a.png","type":"distance","question":"?"}""", "missing answer" },
        { """{"id":"x","image":"a.png","type":"distance","question":"?","answer":"far"}""", "non-negative number of meters" },
        { """{"id":"x","image":"a.png","type":"distance","question":"?","answer":-1}""", "non-negative number of meters" },
        { """{"id":"x","image":"a.png","type":"distance","kind":"qualitative","question":"?","answer":1}""", "does not match type" },
        { """{"id":"x","image":"a.png","type":"distance","kind":"fuzzy","question":"?","answer":1}""", "unknown kind" },
        { """{"id":"x","image":"a.png","type":"left-predicate","question":"?","answer":"maybe"}""", "true or false" },
        { """{"id":"x","image":"a.png","type":"left-choice","question":"?","answer":"green cup","a":"red mug","b":"blue box"}""", "neither a" },
        { """{"id":"x","image":"a.png","type":"left-choice","question":"?","answer":"red mug"}""", "needs the captions" },
        { """{"id":"x","image":"a.png","type":"left-right-classify","question":"?","answer":"above"}""", "neither 'left' nor 'right'" },
        { """{"id":"x","image":"a.png","type":"up-down-classify","question":"?","answer":"up"}""", "unknown question type 'up-down-classify'" },
        { """{"id":"x","image":"a.png","type":"distance","question":"?","answer":1,"depth_m":"far"}""", "depth_m" },
        { """{"id":5,"image":"a.png","type":"distance","question":"?","answer":1}""", "id must be a string" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void MalformedLineIsReportedWithItsNumberAndTheRestIsRead(string bad, string reason)
    {
        var file = Parse(Good.Replace("d1", "first"), "", bad, Good);
        Assert.Equal(2, file.Items.Count);
        var problem = Assert.Single(file.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains(reason, problem.Message);
        Assert.StartsWith("bench.jsonl line 3: ", problem.ToString());
    }

    [Fact]
    public void DuplicateIdIsAProblem()
    {
        var file = Parse(Good, Good);
        Assert.Single(file.Items);
        Assert.Contains("duplicate id 'd1'", Assert.Single(file.Problems).Message);
    }

    [Fact]
    public void MissingOrEmptyBenchmarkFileIsAOneLineError()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".jsonl");
        Assert.Contains("no such benchmark file", Assert.Throws<SpatialVlmException>(() => BenchmarkReader.Read(missing)).Message);
        File.WriteAllText(missing, "{oops\n");
        try
        {
            var e = Assert.Throws<SpatialVlmException>(() => BenchmarkReader.Read(missing));
            Assert.Contains("no usable question", e.Message);
            Assert.Contains("line 1", e.Message);
        }
        finally { File.Delete(missing); }
    }

    [Fact]
    public void ParsesModelSpecs()
    {
        Assert.Equal("oracle", ModelSpec.Parse("oracle").Scheme);
        var cp = ModelSpec.Parse("checkpoint:runs/model.bin");
        Assert.Equal(("checkpoint", "runs/model.bin"), (cp.Scheme, cp.Path));
        var oa = ModelSpec.Parse("openai:http://localhost:8000/v1#Qwen/Qwen2.5-VL-7B-Instruct");
        Assert.Equal(("openai", "http://localhost:8000/v1", "Qwen/Qwen2.5-VL-7B-Instruct"), (oa.Scheme, oa.BaseUrl!.AbsoluteUri.TrimEnd('/'), oa.Model));
        var gg = ModelSpec.Parse("gguf:models/llava v1.6+q4.gguf+models/mmproj-f16.gguf");
        Assert.Equal(("gguf", "models/llava v1.6+q4.gguf", "models/mmproj-f16.gguf"), (gg.Scheme, gg.GgufModel, gg.GgufProjector));
    }

    [Theory]
    [InlineData("", "expected oracle")]
    [InlineData("gpt-4v", "expected oracle")]
    [InlineData("checkpoint:", "needs a path")]
    [InlineData("openai:http://localhost:8000/v1", "needs both")]
    [InlineData("openai:http://localhost:8000/v1#", "needs both")]
    [InlineData("openai:localhost#m", "not an http(s) URL")]
    [InlineData("openai:ftp://host/v1#m", "not an http(s) URL")]
    [InlineData("gguf:model.gguf", "needs a model file and a projector")]
    [InlineData("gguf:model.bin+proj.gguf", "needs a model file and a projector")]
    public void BadModelSpecIsAOneLineError(string spec, string reason)
    {
        var e = Assert.Throws<SpatialVlmException>(() => ModelSpec.Parse(spec));
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    private sealed class FixedAnswerer(string answer) : ISpatialAnswerer
    {
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct) => Task.FromResult(SpatialAnswer.Single(answer));
    }

    [Fact]
    public async Task FactoryBuildsOpenAiTakesRegistrationsAndRefusesTheRest()
    {
        var factory = new AnswererFactory(new OpenAiChatOptions());
        using (var openAi = (OpenAiChatAnswerer)factory.Create(ModelSpec.Parse("openai:http://127.0.0.1:1/v1#m"))) Assert.NotNull(openAi);
        foreach (var spec in new[] { "oracle", "checkpoint:x", "gguf:a.gguf+b.gguf" })
        {
            var e = Assert.Throws<SpatialVlmException>(() => factory.Create(ModelSpec.Parse(spec)));
            Assert.Contains("not available in this build", e.Message);
        }
        factory.Register("oracle", _ => new FixedAnswerer("Yes"));
        Assert.True(factory.IsAvailable("oracle"));
        var item = SpatialMetricsTests.Item("left-predicate", true);
        Assert.Equal("Yes", (await factory.Create(ModelSpec.Parse("oracle")).AnswerAsync(item.ToRequest(), CancellationToken.None)).Text);
    }

    [Fact]
    public void ComparisonPutsRunsSideBySide()
    {
        var a = SpatialMetrics.Compute([new ItemOutcome(SpatialMetricsTests.Item("distance", 1.0), new ParsedAnswer(QuestionKind.Quantitative, Meters: 1.2))]);
        var b = SpatialMetrics.Compute([new ItemOutcome(SpatialMetricsTests.Item("left-predicate", true), new ParsedAnswer(QuestionKind.Predicate, Yes: false))]);
        var table = RunComparison.Build([("ours", a), ("gpt", b)]);
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| metric | ours | gpt |", lines[0]);
        Assert.Contains("| qualitative accuracy | n/a | 0.0 |", lines);
        Assert.Contains("| in range [0.5, 2] | 100.0 | n/a |", lines);
        Assert.Contains("| left-predicate | — | 0.0 |", lines);
        Assert.Contains("| distance | 100.0 | — |", lines);
        Assert.True(Array.IndexOf(lines, "| left-predicate | — | 0.0 |") < Array.IndexOf(lines, "| distance | 100.0 | — |"));
    }

    [Fact]
    public void ComparisonOfFoldersNeedsMetricsFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Assert.Contains("no metrics.json", Assert.Throws<SpatialVlmException>(() => RunComparison.Build([dir])).Message);
            File.WriteAllText(Path.Combine(dir, "metrics.json"), SpatialMetrics.Compute([]).ToJson());
            Assert.StartsWith($"| metric | {Path.GetFileName(dir)} |", RunComparison.Build([dir]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
