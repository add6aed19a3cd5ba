using System.Diagnostics;
using SpatialVlm.Contracts.Chat;
using SpatialVlm.Core;
using SpatialVlm.Evaluation.Gguf;
using SpatialVlm.Tests.Gguf;
using Xunit.Abstractions;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>
/// <c>--llm gguf:MODEL.gguf</c>: a local GGUF text LLM through llama.cpp plans in the plain-text protocol. The tiny
/// GGUF models of tests/Shared/Gguf run for real: a random one (garbage), and a "parrot" whose greedy output is fixed.
/// </summary>
[Collection(TaskScenesCollection.Name)]
public sealed class GgufPlannerTests(TaskSceneFixture scenes, ITestOutputHelper output) : IDisposable
{
    // The system prompt with its three examples is ~1,600 characters: the tiny vocabulary spells it near character by character.
    private static readonly GgufVlmOptions Options = new() { ContextSize = 4096, Threads = 1, MaxTokens = 24 };
    private readonly string dir = Directory.CreateTempSubdirectory("reason-gguf-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    private static IReasoningPlanner Planner(string path, GgufVlmOptions options, out IDisposable? owned) =>
        PlannerSpec.Create("gguf:" + path, null, new LlmOptions(), out owned, p => GgufChatModel.Load(p, options));

    private ReasoningProblem Problem(ReasoningTask task) => new(Path.Combine(scenes.Root, task.Image), task.Question)
    {
        KnownObjects = task.Objects.Select(o => new ObjectReference(o.Caption, o.Id)).ToList(),
    };

    private async Task<ReasoningTrace> Run(IReasoningPlanner planner, ReasoningTask task, int maxRounds = 6)
    {
        var coordinator = new ReasoningCoordinator(scenes.Oracle, "oracle", new ReasoningOptions { MaxRounds = maxRounds });
        var clock = Stopwatch.StartNew();
        var trace = await coordinator.RunAsync(Problem(task), planner);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        output.WriteLine(trace.ToText());
        Assert.NotEmpty(trace.Rounds);
        Assert.Equal(trace.FinalAnswer, ReasoningTrace.FromJson(trace.ToJson()).FinalAnswer);
        Assert.Contains(trace.FinalAnswer, trace.ToText());
        Assert.DoesNotContain('\n', trace.FinalAnswer);
        return trace;
    }

    [Fact]
    public void The_prompt_llama_cpp_is_given_holds_the_protocol_and_the_few_shot_examples()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Closest);
        var opening = LlmPlanner.TextOpening(Problem(task));
        using (var model = GgufChatModel.Load(TinyLlama.Write(Path.Combine(dir, "tiny.gguf")), Options))
        {
            Assert.True(model.UsesChatTemplate);
            var prompt = model.Prompt(opening);
            Assert.StartsWith("<|im_start|>system\n" + LlmPlanner.TextSystemPrompt + "<|im_end|>\n<|im_start|>user\n[User] " + task.Question, prompt);
            foreach (var part in new[] { "[Question] How far apart are the red can and the blue can?", "[Friend] 0.52 m", "[Answer] No: the gap is 0.7 m", "Example 3:", "Objects in the image: the " })
                Assert.Contains(part, prompt);
            Assert.EndsWith("<|im_end|>\n<|im_start|>assistant\n", prompt);
            // Later turns: the planner's own lines as assistant turns, the friend's answers as user turns.
            var later = model.Prompt([.. opening, new(TextChatMessage.Assistant, "[Question] How far?"), new(TextChatMessage.User, "[Friend] 0.5 m")]);
            Assert.EndsWith("<|im_start|>assistant\n[Question] How far?<|im_end|>\n<|im_start|>user\n[Friend] 0.5 m<|im_end|>\n<|im_start|>assistant\n", later);
        }
        // A model without a chat template gets LLaVA's USER:/ASSISTANT: format (auto), or a one-line error (template).
        var plain = TinyLlama.Write(Path.Combine(dir, "plain.gguf"), withTemplate: false);
        using (var model = GgufChatModel.Load(plain, Options))
        {
            Assert.False(model.UsesChatTemplate);
            var prompt = model.Prompt(opening);
            Assert.StartsWith(LlmPlanner.TextSystemPrompt.Trim() + "\nUSER: [User] " + task.Question, prompt);
            Assert.EndsWith("\nASSISTANT:", prompt);
        }
        var e = Assert.Throws<SpatialVlmException>(() => GgufChatModel.Load(plain, Options with { PromptFormat = GgufPrompt.Template }));
        Assert.Contains("no chat template", e.Message);
    }

    [Fact]
    public async Task A_random_tiny_gguf_answers_garbage_and_the_run_ends_with_a_clear_no_answer()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Fits);
        var planner = Planner(TinyLlama.Write(Path.Combine(dir, "tiny.gguf")), Options, out var owned);
        using (owned)
        {
            Assert.StartsWith("gguf:", planner.Name);
            Assert.EndsWith("(text)", planner.Name);
            var trace = await Run(planner, task);
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.StartsWith("no answer: ", trace.FinalAnswer);
            Assert.Contains("did not follow the protocol 3 times", trace.FinalAnswer);
            Assert.Contains("neither [Question] nor [Answer]", trace.FinalAnswer);
            Assert.Equal(3, trace.Detections.Count(d => d.Kind == DetectionKind.Protocol));
            // Every round keeps what llama.cpp generated (24 greedy tokens of nonsense).
            Assert.Equal(3, trace.Rounds.Count);
            Assert.All(trace.Rounds, r => Assert.False(string.IsNullOrEmpty(r.LlmMessage)));
            Assert.Empty(trace.Rounds.SelectMany(r => r.SubQuestions));
        }
    }

    [Fact]
    public async Task A_gguf_that_always_asks_the_same_question_ends_at_the_loop_detection()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Reachable);
        var pieces = TinyLlama.Pieces("[Question] Why?");
        var planner = Planner(TinyLlama.WriteParrot(Path.Combine(dir, "asker.gguf"), pieces), Options, out var owned);
        using (owned)
        {
            var trace = await Run(planner, task, maxRounds: 12);
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Contains(trace.Detections, d => d.Kind == DetectionKind.Loop);
            Assert.All(trace.Rounds, r => Assert.Equal("[Question] Why?", r.LlmMessage));
            Assert.True(trace.Rounds.Count < 12, $"{trace.Rounds.Count} rounds");
        }
    }

    [Fact]
    public async Task A_gguf_whose_greedy_output_is_a_protocol_answer_is_read_and_scored_end_to_end()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family is TaskFamily.Fits or TaskFamily.Reachable or TaskFamily.Isosceles && t.Answer.Yes == false);
        var planner = Planner(TinyLlama.WriteParrot(Path.Combine(dir, "parrot.gguf"), TinyLlama.Pieces("[Answer] no")), Options, out var owned);
        using (owned)
        {
            var trace = await Run(planner, task);
            Assert.Equal(ReasoningStatus.Answered, trace.Status);
            Assert.Equal("[Answer] no", Assert.Single(trace.Rounds).LlmMessage);
            Assert.Equal("no", trace.FinalAnswer);
            Assert.True(TaskScoring.Score(task, trace.FinalAnswer).Correct);
            // It answered without asking: said so in the trace.
            Assert.Contains(trace.Detections, d => d.Kind == DetectionKind.NoSubQuestion);
        }
    }

    [Fact]
    public async Task A_context_too_small_for_the_protocol_ends_the_run_with_the_reason()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Closest);
        var planner = Planner(TinyLlama.Write(Path.Combine(dir, "tiny.gguf")), Options with { ContextSize = 256 }, out var owned);
        using (owned)
        {
            var trace = await Run(planner, task);
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Contains("the LLM failed: gguf: the prompt has", trace.FinalAnswer);
            Assert.Contains("the context holds 256 (raise --context-size)", trace.FinalAnswer);
        }
    }

    [Fact]
    public void Bad_gguf_specs_and_files_are_one_line()
    {
        var model = TinyLlama.Write(Path.Combine(dir, "tiny.gguf"));
        var text = Path.Combine(dir, "readme.gguf");
        File.WriteAllText(text, "not a model\n");
        foreach (var (spec, protocol, expected) in new (string, PlannerProtocol?, string)[]
                 {
                     ("gguf:" + Path.Combine(dir, "missing.gguf"), null, "missing.gguf: no such file"),
                     ("gguf:" + text, null, "not a GGUF file"),
                     ("gguf:" + dir, null, "is a folder"),
                     ("gguf:", null, "needs a model file"),
                     ("gguf:" + model + "+" + model, null, "without a projector"),
                     ("gguf:" + model, PlannerProtocol.Tools, "plain-text protocol"),
                 })
        {
            var e = Assert.Throws<SpatialVlmException>(() => PlannerSpec.Create(spec, protocol, new LlmOptions(), out _, p => GgufChatModel.Load(p, Options)));
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains(expected, e.Message);
        }
        // Without a loader (a build with no llama.cpp) the spec is refused, not ignored.
        Assert.Contains("not available", Assert.Throws<SpatialVlmException>(() => PlannerSpec.Create("gguf:" + model, null, new LlmOptions(), out _)).Message);
    }
}
