using System.Text.Json;
using SpatialVlm.Reasoning;
using SpatialVlm.Reasoning.Tests;
using SpatialVlm.Tests;
using SpatialVlm.Tests.Gguf;

namespace SpatialVlm.Cli.Tests;

/// <summary>`benchmark build --tasks`, `eval` on a task file and `reason`, through the command line.</summary>
public sealed class ReasonCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("reason-cli-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => CliHarness.Run(args);

    private string Tasks()
    {
        var scenes = Path.Combine(dir, "scenes");
        Assert.Equal(0, Run("scenes", "--count", "6", "--seed", "7100", "--out", scenes).Exit);
        var tasks = Path.Combine(dir, "tasks.jsonl");
        var build = Run("benchmark", "build", "--from", scenes, "--tasks", "--per-scene", "4", "--out", tasks);
        Assert.True(build.Exit == 0, build.Err);
        Assert.StartsWith("tasks: ", build.Out);
        return tasks;
    }

    [Fact]
    public void EvalScoresATaskFileWithTheBuiltinPlannerAndAScriptedLlm()
    {
        var tasks = Tasks();
        var count = File.ReadAllLines(tasks).Length;
        var builtin = Run("eval", "--benchmark", tasks, "--model", "oracle", "--llm", "builtin", "--out", Path.Combine(dir, "builtin"));
        Assert.True(builtin.Exit == 0, builtin.Err);
        Assert.Contains("reasoning accuracy", builtin.Out);
        Assert.Contains("direct 0.0 %", builtin.Out); // the oracle answers typed questions only
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "builtin", "metrics.json"))))
        {
            Assert.Equal(count, metrics.RootElement.GetProperty("overall").GetProperty("n").GetInt32());
            Assert.True(metrics.RootElement.GetProperty("overall").GetProperty("accuracy").GetDouble() >= 0.9, builtin.Out);
        }
        var line = JsonDocument.Parse(File.ReadAllLines(Path.Combine(dir, "builtin", "predictions.jsonl"))[0]).RootElement;
        Assert.Equal("builtin", line.GetProperty("trace").GetProperty("planner").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "builtin", "report.md")));

        using var server = new LoopbackChatServer(ScriptedLlms.PlainText);
        var text = Run("eval", "--benchmark", tasks, "--model", "oracle", "--llm", server.Spec, "--protocol", "text", "--no-direct", "--out", Path.Combine(dir, "text"));
        Assert.True(text.Exit == 0, text.Err);
        Assert.DoesNotContain("direct", text.Out);
        Assert.Equal(count, File.ReadAllLines(Path.Combine(dir, "text", "predictions.jsonl")).Length);
    }

    [Fact]
    public void ReasonPrintsTheAnswerTheTraceAndWritesItAsJson()
    {
        var tasks = TaskFile.Read(Tasks());
        var task = tasks.First(t => t.Family == TaskFamily.Closest);
        var image = Path.Combine(dir, task.Image);
        var traceFile = Path.Combine(dir, "trace.json");
        using var server = new LoopbackChatServer(ScriptedLlms.Tools);
        var (exit, output, err) = Run("reason", "--model", "oracle", "--llm", server.Spec, "--image", image, task.Question, "--trace", "--out", traceFile);
        Assert.True(exit == 0, err);
        Assert.Contains("round 1", output);
        Assert.Contains("ask_spatial_model(", output);
        var trace = ReasoningTrace.FromJson(File.ReadAllText(traceFile));
        Assert.Equal(ReasoningStatus.Answered, trace.Status);
        Assert.EndsWith(trace.FinalAnswer + "\n", output.Replace("\r", ""));
        // The scene.json beside the image gave the sub-questions their object ids.
        Assert.All(trace.Rounds.SelectMany(r => r.SubQuestions), q => Assert.NotNull(q.ObjectAId));

        var builtin = Run("reason", "--model", "oracle", "--image", image, task.Question);
        Assert.True(builtin.Exit == 0, builtin.Err);
        Assert.Equal(trace.FinalAnswer, builtin.Out.Trim());
    }

    [Fact]
    public void BuildTasksWritesTheCardBesideTheTaskFile()
    {
        var tasks = Tasks();
        var card = Path.Combine(dir, "tasks.card.md");
        Assert.True(File.Exists(card));
        var text = File.ReadAllText(card);
        Assert.StartsWith("# tasks.jsonl", text);
        Assert.Contains("scene-007100", text);
        Assert.Contains("| reachable |", text);
        Assert.Contains("0.15 m and 10 %", text);
    }

    [Fact]
    public void ReasonWithALocalGgufLlmRunsLlamaCppEndToEnd()
    {
        var tasks = TaskFile.Read(Tasks());
        var task = tasks.First(t => t.Answer.Yes == false);
        var image = Path.Combine(dir, task.Image);
        string[] Gguf(string model, string traceFile) =>
            ["reason", "--model", "oracle", "--llm", "gguf:" + model, "--threads", "1", "--context-size", "4096", "--llm-max-tokens", "16",
             "--image", image, task.Question, "--trace", "--out", traceFile];

        // A random tiny model: garbage three times, then one line saying why there is no answer, and the whole trace.
        var random = Run(Gguf(TinyLlama.Write(Path.Combine(dir, "tiny.gguf")), Path.Combine(dir, "random.json")));
        Assert.NotEqual(0, random.Exit);
        Assert.StartsWith("error: no answer: the planner's replies did not follow the protocol 3 times", random.Err);
        Assert.Single(random.Err.Trim().Split('\n'));
        Assert.Contains("round 3", random.Out);
        var trace = ReasoningTrace.FromJson(File.ReadAllText(Path.Combine(dir, "random.json")));
        Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
        Assert.StartsWith("gguf:", trace.Planner);
        Assert.Equal(3, trace.Rounds.Count(r => !string.IsNullOrEmpty(r.LlmMessage)));

        // A model whose greedy output is "[Answer] no": read through the protocol and printed as the answer.
        var parrot = Run(Gguf(TinyLlama.WriteParrot(Path.Combine(dir, "parrot.gguf"), TinyLlama.Pieces("[Answer] no")), Path.Combine(dir, "parrot.json")));
        Assert.True(parrot.Exit == 0, parrot.Err);
        Assert.EndsWith("\nno\n", parrot.Out.Replace("\r", ""));
        Assert.Contains("llm: [Answer] no", parrot.Out);

        // Missing file, not a GGUF, a projector pair, tool calls: one line each.
        var notGguf = Path.Combine(dir, "readme.gguf");
        File.WriteAllText(notGguf, "hello");
        foreach (var (llm, expected) in new[]
                 {
                     ("gguf:" + Path.Combine(dir, "none.gguf"), "no such file"),
                     ("gguf:" + notGguf, "not a GGUF file"),
                     ("gguf:a.gguf+b.gguf", "without a projector"),
                 })
        {
            var bad = Run("reason", "--model", "oracle", "--llm", llm, "--image", image, task.Question);
            Assert.NotEqual(0, bad.Exit);
            Assert.StartsWith("error: ", bad.Err);
            Assert.Contains(expected, bad.Err);
            Assert.Single(bad.Err.Trim().Split('\n'));
        }
        var tools = Run("reason", "--model", "oracle", "--llm", "gguf:x.gguf", "--protocol", "tools", "--image", image, task.Question);
        Assert.Contains("plain-text protocol", tools.Err);
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        var image = Path.Combine(dir, "image.png");
        File.WriteAllBytes(image, [0x89, (byte)'P', (byte)'N', (byte)'G']);
        foreach (var args in new[]
                 {
                     new[] { "reason", "--model", "oracle", "--llm", "gpt-4", "--image", image, "q" },
                     ["reason", "--model", "oracle", "--protocol", "json", "--image", image, "q"],
                     ["reason", "--model", "oracle", "--max-rounds", "0", "--image", image, "q"],
                     ["reason", "--model", "oracle", "--image", Path.Combine(dir, "missing.png"), "q"],
                     ["reason", "--model", "oracle", "--image", image, "What colour is the sky?"],
                     ["benchmark", "build", "--from", dir, "--tasks", "--out", Path.Combine(dir, "t.jsonl")],
                 })
        {
            var (exit, _, err) = Run(args);
            Assert.NotEqual(0, exit);
            Assert.StartsWith("error: ", err);
            Assert.Single(err.Trim().Split('\n'));
        }
    }
}
