using System.Diagnostics;
using Xunit.Abstractions;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>LLMs that misbehave: each run ends with a clear final answer or a one-line reason, a complete trace, and no hang.</summary>
[Collection(TaskScenesCollection.Name)]
public sealed class BadLlmTests(TaskSceneFixture scenes, ITestOutputHelper output)
{
    private static readonly LlmOptions Fast = new() { RequestTimeout = TimeSpan.FromMilliseconds(400), MaxRetries = 1, InitialBackoff = TimeSpan.FromMilliseconds(20) };

    private async Task<(ReasoningTrace Trace, LoopbackChatServer Server)> Run(Func<System.Text.Json.Nodes.JsonObject, ServerReply> script, PlannerProtocol protocol)
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Closest);
        var server = new LoopbackChatServer(script);
        var planner = PlannerSpec.Create(server.Spec, protocol, Fast, out var owned);
        using (owned)
        {
            var coordinator = new ReasoningCoordinator(scenes.Oracle, "oracle", new ReasoningOptions { MaxRounds = 8 });
            var problem = new ReasoningProblem(Path.Combine(scenes.Root, task.Image), task.Question)
            {
                KnownObjects = task.Objects.Select(o => new ObjectReference(o.Caption, o.Id)).ToList(),
            };
            var clock = Stopwatch.StartNew();
            var trace = await coordinator.RunAsync(problem, planner);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
            output.WriteLine(trace.ToText());
            // The trace is complete and survives JSON.
            Assert.NotEmpty(trace.Rounds);
            Assert.Equal(trace.FinalAnswer, ReasoningTrace.FromJson(trace.ToJson()).FinalAnswer);
            Assert.Contains(trace.FinalAnswer, trace.ToText());
            Assert.DoesNotContain('\n', trace.FinalAnswer);
            return (trace, server);
        }
    }

    [Theory]
    [InlineData(PlannerProtocol.Tools)]
    [InlineData(PlannerProtocol.Text)]
    public async Task GarbageBodiesEndTheRunAfterTheReminders(PlannerProtocol protocol)
    {
        var (trace, server) = await Run(_ => new RawReply("<html>502 bad gateway, or a cat on the keyboard"), protocol);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Contains("did not follow the protocol 3 times", trace.FinalAnswer);
            Assert.Contains("malformed reply body", trace.FinalAnswer);
            Assert.Equal(3, trace.Detections.Count(d => d.Kind == DetectionKind.Protocol));
        }
    }

    [Fact]
    public async Task TextWithoutMarkersEndsTheRunAfterTheReminders()
    {
        var (trace, server) = await Run(_ => ChatReply.Text("banana banana banana"), PlannerProtocol.Text);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Contains("neither [Question] nor [Answer]", trace.FinalAnswer);
            Assert.Equal(3, server.Requests);
            Assert.All(trace.Rounds, r => Assert.Equal("banana banana banana", r.LlmMessage));
        }
    }

    [Theory]
    [InlineData(PlannerProtocol.Tools)]
    [InlineData(PlannerProtocol.Text)]
    public async Task AnLlmThatAsksTheSameQuestionForeverIsStoppedAsALoop(PlannerProtocol protocol)
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Closest);
        var (a, b) = (task.Reference.Caption, task.Candidates[0].Caption);
        var ask = $"How far apart are the {a} and the {b}?";
        var (trace, server) = await Run(_ => protocol == PlannerProtocol.Tools
            ? ChatReply.Tool(LlmPlanner.ToolName, LoopbackChatServer.Args(new { question = ask, object_a = a, object_b = b }))
            : ChatReply.Text("[Question] " + ask), protocol);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.StartsWith("no answer: loop", trace.FinalAnswer);
            Assert.Equal(3, trace.Detections.Count(d => d.Kind == DetectionKind.Loop));
            Assert.Equal(1, trace.SpatialCalls); // asked once, then answered from the run's record
            Assert.Equal(4, trace.Rounds.Count);
            Assert.All(trace.Rounds.Skip(1), r => Assert.True(Assert.Single(r.SubQuestions).Repeated));
        }
    }

    [Fact]
    public async Task AnLlmThatAsksNewQuestionsForeverHitsTheRoundCap()
    {
        var n = 0;
        var (trace, server) = await Run(_ => ChatReply.Tool(LlmPlanner.ToolName, LoopbackChatServer.Args(new { question = $"Is there anything interesting, take {Interlocked.Increment(ref n)}?" })), PlannerProtocol.Tools);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Equal("no answer: no final answer after 8 rounds", trace.FinalAnswer);
            Assert.Equal(8, trace.Rounds.Count);
            Assert.Contains(trace.Detections, d => d.Kind == DetectionKind.RoundCap);
            // The oracle needs a type and objects: every sub-question failed, and said so to the LLM.
            Assert.All(trace.Rounds.SelectMany(r => r.SubQuestions), q => Assert.StartsWith("error: the spatial model could not answer", q.FedBack));
        }
    }

    [Fact]
    public async Task AnLlmThatNeverCallsAToolGivesItsAnswerFlagged()
    {
        var (trace, server) = await Run(_ => ChatReply.Text("The mug, obviously."), PlannerProtocol.Tools);
        using (server)
        {
            Assert.Equal(ReasoningStatus.Answered, trace.Status);
            Assert.Equal("The mug, obviously.", trace.FinalAnswer);
            Assert.Equal(0, trace.SpatialCalls);
            Assert.Contains(trace.Detections, d => d.Kind == DetectionKind.NoSubQuestion);
        }
    }

    [Theory]
    [InlineData(PlannerProtocol.Tools)]
    [InlineData(PlannerProtocol.Text)]
    public async Task AnLlmThatTimesOutEndsTheRunWithTheReason(PlannerProtocol protocol)
    {
        var (trace, server) = await Run(_ => new HangReply(), protocol);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Equal("no answer: the LLM failed: timed out after 0.4 s; gave up after 2 attempts", trace.FinalAnswer);
            Assert.Equal(2, server.Requests);
        }
    }

    [Theory]
    [InlineData(PlannerProtocol.Tools)]
    [InlineData(PlannerProtocol.Text)]
    public async Task AnLlmServerReturning500EndsTheRunWithTheReason(PlannerProtocol protocol)
    {
        var (trace, server) = await Run(_ => new StatusReply(500), protocol);
        using (server)
        {
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Equal("no answer: the LLM failed: HTTP 500; gave up after 2 attempts", trace.FinalAnswer);
        }
    }

    [Fact]
    public async Task AnUnreachableLlmIsAOneLineReason()
    {
        var task = TaskFile.Read(scenes.TaskFilePath)[0];
        var port = new LoopbackChatServer(_ => new StatusReply(500));
        var spec = port.Spec;
        port.Dispose(); // nothing listens there now
        var planner = PlannerSpec.Create(spec, PlannerProtocol.Tools, Fast, out var owned);
        using (owned)
        {
            var trace = await new ReasoningCoordinator(scenes.Oracle, "oracle", new ReasoningOptions())
                .RunAsync(new ReasoningProblem(Path.Combine(scenes.Root, task.Image), task.Question), planner);
            Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
            Assert.Contains("the LLM failed", trace.FinalAnswer);
        }
    }
}
