using SpatialVlm.Core;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>The coordinator's own rules with a stand-in spatial model and planner: cache, contradictions, units.</summary>
public sealed class CoordinatorTests
{
    /// <summary>Answers each sub-question from a table of its wording; counts calls.</summary>
    private sealed class TableModel(Dictionary<string, string> answers) : ISpatialAnswerer
    {
        public int Calls;
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            return answers.TryGetValue(request.Question, out var a) ? Task.FromResult(SpatialAnswer.Single(a))
                : throw new AnswerFailedException($"no answer for '{request.Question}'", 1);
        }
    }

    /// <summary>Asks the given rounds of sub-questions, then answers "done".</summary>
    private sealed class ListPlanner(params SubQuestion[][] rounds) : IReasoningPlanner
    {
        public string Name => "list";
        public List<IReadOnlyList<SubAnswerFeedback>> Seen { get; } = [];
        public List<IReadOnlyList<CoordinatorNote>> Notes { get; } = [];
        public IPlannerSession Begin(ReasoningProblem problem) => new Session(this);
        private sealed class Session(ListPlanner owner) : IPlannerSession
        {
            private int round;
            public Task<PlannerStep> NextAsync(IReadOnlyList<SubAnswerFeedback> answers, IReadOnlyList<CoordinatorNote> notes, CancellationToken ct)
            {
                owner.Seen.Add(answers);
                owner.Notes.Add(notes);
                return Task.FromResult<PlannerStep>(round < owner.Rounds.Length ? new AskStep(owner.Rounds[round++]) : new FinalStep("done"));
            }
        }
        public SubQuestion[][] Rounds => rounds;
    }

    private static readonly IReadOnlyList<ObjectReference> Known = [new("red can", 1), new("blue can", 2), new("green can", 3), new("red can on the left", 4)];

    [Fact]
    public async Task LengthsGoBackWithUnitsAndObjectsAndTypesAreFilledIn()
    {
        var model = new TableModel(new() { ["How far is the red can on the left from the blue can?"] = "About 42 centimeters." });
        var planner = new ListPlanner([new SubQuestion("How far is the red can on the left from the blue can?")]);
        var trace = await new ReasoningCoordinator(model, "table", new ReasoningOptions()).RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, planner);
        var q = Assert.Single(trace.Rounds[0].SubQuestions);
        Assert.Equal("0.42 m", q.FedBack);
        Assert.Equal(0.42, q.ParsedMeters!.Value, 6);
        Assert.Equal("distance", q.Type);
        Assert.Equal(4, q.ObjectAId); // the longer name wins over "red can"
        Assert.Equal(2, q.ObjectBId);
        Assert.Equal("0.42 m", Assert.Single(planner.Seen[1]).FedBack);
        Assert.Equal("done", trace.FinalAnswer);
    }

    [Fact]
    public void ADistanceWithOneKnownObjectIsNotSentAsATypedQuestionAboutItself()
    {
        var q = SubQuestionReader.Complete(new SubQuestion("How far is the red can from the purple giraffe?"), Known);
        Assert.Equal(1, q.A!.Id);
        Assert.Null(q.B);
        Assert.Null(q.Type);
        var both = SubQuestionReader.Complete(new SubQuestion("How far is the red can from the blue can?"), Known);
        Assert.Equal("distance", both.Type!.Id);
        Assert.Equal(2, both.B!.Id);
    }

    [Fact]
    public async Task SubAnswersAreCachedPerImageAndQuestionAcrossRuns()
    {
        var model = new TableModel(new() { ["How far apart are the red can and the blue can?"] = "1 m" });
        var cache = new SubAnswerCache();
        var coordinator = new ReasoningCoordinator(model, "table", new ReasoningOptions(), cache);
        var ask = new SubQuestion("How far apart are the red can and the blue can?");
        var first = await coordinator.RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, new ListPlanner([ask]));
        var second = await coordinator.RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, new ListPlanner([ask]));
        var other = await coordinator.RunAsync(new ReasoningProblem("other.png", "q") { KnownObjects = Known }, new ListPlanner([ask]));
        Assert.False(first.Rounds[0].SubQuestions[0].CacheHit);
        Assert.True(second.Rounds[0].SubQuestions[0].CacheHit);
        Assert.False(other.Rounds[0].SubQuestions[0].CacheHit);
        Assert.Equal(2, model.Calls);
        Assert.Equal(1, second.CacheHits);
    }

    [Fact]
    public async Task ATriangleInequalityBrokenByTheAnswersIsAContradiction()
    {
        var model = new TableModel(new()
        {
            ["How far apart are the red can and the blue can?"] = "0.3 m",
            ["How far apart are the blue can and the green can?"] = "0.4 m",
            ["How far apart are the red can and the green can?"] = "2 m",
        });
        var planner = new ListPlanner([new SubQuestion("How far apart are the red can and the blue can?"), new SubQuestion("How far apart are the blue can and the green can?")],
            [new SubQuestion("How far apart are the red can and the green can?")]);
        var trace = await new ReasoningCoordinator(model, "table", new ReasoningOptions()).RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, planner);
        var found = Assert.Single(trace.Detections, d => d.Kind == DetectionKind.Contradiction);
        Assert.Equal(2, found.Round);
        Assert.Contains("triangle inequality", found.Message);
        Assert.Contains(planner.Notes[2], n => n.Text.Contains("cannot all hold"));
    }

    [Fact]
    public async Task AAndBEachLeftOfTheOtherIsAContradiction()
    {
        var model = new TableModel(new() { ["Is the red can left of the blue can?"] = "Yes.", ["Is the blue can left of the red can?"] = "Yes, it is." });
        var left = QuestionCatalog.Get("left-predicate");
        var planner = new ListPlanner([new SubQuestion("Is the red can left of the blue can?", new("red can"), new("blue can"), left),
            new SubQuestion("Is the blue can left of the red can?", new("blue can"), new("red can"), left)]);
        var trace = await new ReasoningCoordinator(model, "table", new ReasoningOptions()).RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, planner);
        Assert.Equal("yes", trace.Rounds[0].SubQuestions[0].FedBack);
        Assert.Contains(trace.Detections, d => d.Kind == DetectionKind.Contradiction && d.Message.Contains("left of"));
    }

    [Fact]
    public async Task TheTraceRoundTripsThroughJsonAndReadsAsText()
    {
        var model = new TableModel(new() { ["How far apart are the red can and the blue can?"] = "1.5 meters" });
        var trace = await new ReasoningCoordinator(model, "table", new ReasoningOptions())
            .RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, new ListPlanner([new SubQuestion("How far apart are the red can and the blue can?")]));
        var back = ReasoningTrace.FromJson(trace.ToJson());
        Assert.Equal(trace.ToJsonLine(), back.ToJsonLine());
        Assert.Contains("\"status\": \"answered\"", trace.ToJson());
        var text = trace.ToText();
        Assert.Contains("ask: How far apart are the red can and the blue can? [distance]", text);
        Assert.Contains("spatial model: 1.5 meters -> 1.5 m", text);
        Assert.Contains("answer: done", text);
    }

    [Fact]
    public async Task ASpatialModelThatIsDownStopsTheCaller()
    {
        var planner = new ListPlanner([new SubQuestion("How far apart are the red can and the blue can?")]);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => new ReasoningCoordinator(new DownModel(), "down", new ReasoningOptions())
            .RunAsync(new ReasoningProblem("img.png", "q") { KnownObjects = Known }, planner));
    }

    private sealed class DownModel : ISpatialAnswerer
    {
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct) => throw new ModelUnavailableException("down");
    }

    [Fact]
    public void EveryFamilyWordingParsesBack()
    {
        ObjectReference R(string p) => new(p);
        TaskQuery[] queries =
        [
            new(TaskFamily.Isosceles, [R("red can"), R("blue can"), R("green can on the left")], null, [], new TaskParameters { Tolerance = 0.1 }),
            new(TaskFamily.Closest, [], R("robot gripper"), [R("red can"), R("blue can")], new TaskParameters()),
            new(TaskFamily.Farthest, [], R("robot gripper"), [R("red can"), R("blue can"), R("mug")], new TaskParameters()),
            new(TaskFamily.Fits, [R("sofa"), R("shelf")], null, [], new TaskParameters { WidthM = 1.05 }),
            new(TaskFamily.Order, [], R("lamp"), [R("red can"), R("blue can"), R("mug")], new TaskParameters()),
            new(TaskFamily.CountWithin, [], R("lamp"), [R("red can"), R("blue can"), R("mug"), R("chair")], new TaskParameters { RadiusM = 1.5 }),
            new(TaskFamily.Reachable, [R("chair")], null, [R("mug")], new TaskParameters { ArmLengthM = 0.8 }),
        ];
        foreach (var q in queries)
        {
            var text = TaskQuestionText.Render(q);
            var back = TaskQuestionText.TryParse(text);
            Assert.NotNull(back);
            Assert.Equal(q.Family, back.Family);
            Assert.Equal(q.Subjects.Select(o => o.Phrase), back.Subjects.Select(o => o.Phrase));
            Assert.Equal(q.Candidates.Select(o => o.Phrase), back.Candidates.Select(o => o.Phrase));
            Assert.Equal(q.Reference?.Phrase, back.Reference?.Phrase);
            Assert.Equal(q.Parameters, back.Parameters);
        }
        Assert.Null(TaskQuestionText.TryParse("How tall is the lamp?"));
    }

    [Fact]
    public void BadLlmSpecsAndProtocolsAreOneLineErrors()
    {
        Assert.Contains("gguf", Assert.Throws<SpatialVlmException>(() => PlannerSpec.Create("gguf:a.gguf+b.gguf", PlannerProtocol.Tools, new LlmOptions(), out _)).Message);
        Assert.Contains("expected builtin", Assert.Throws<SpatialVlmException>(() => PlannerSpec.Create("gpt", PlannerProtocol.Tools, new LlmOptions(), out _)).Message);
        Assert.Contains("tools or text", Assert.Throws<SpatialVlmException>(() => PlannerSpec.Protocol("json")).Message);
    }
}
