using Xunit.Abstractions;
using SpatialVlm.Core;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>The builtin planner with the oracle as the spatial model: the upper bound of a perfect decomposition.</summary>
[Collection(TaskScenesCollection.Name)]
public sealed class BuiltinOracleTests(TaskSceneFixture scenes, ITestOutputHelper output)
{
    [Fact]
    public void TheTaskFileHasEveryFamilyWithExactAnswersAndObjectIds()
    {
        var tasks = TaskFile.Read(scenes.TaskFilePath);
        Assert.Equal(TaskSceneFixture.TaskCount, tasks.Count);
        Assert.Equal(Enum.GetValues<TaskFamily>().Length, tasks.Select(t => t.Family).Distinct().Count());
        Assert.All(tasks, t =>
        {
            Assert.True(File.Exists(Path.Combine(scenes.Root, t.Image)));
            Assert.NotEmpty(t.Exact);
            // The question parses back into the same family and objects (the builtin planner's fallback).
            var parsed = TaskQuestionText.TryParse(t.Question);
            Assert.NotNull(parsed);
            Assert.Equal(t.Family, parsed.Family);
            Assert.Equal(t.Objects.Select(o => o.Caption), parsed.Subjects.Concat(parsed.Reference is { } r ? [r] : []).Concat(parsed.Candidates).Select(o => o.Phrase));
            // The answer is what the solver gives on the exact values.
            Assert.Equal(t.Answer.Text, TaskSolver.Solve(TaskQuery.From(t), t.Exact.Select(e => e.Meters).ToList()).Text);
        });
        foreach (var family in new[] { TaskFamily.Isosceles, TaskFamily.Fits, TaskFamily.Reachable })
        {
            var answers = tasks.Where(t => t.Family == family).Select(t => t.Answer.Yes).ToList();
            output.WriteLine($"{family}: {answers.Count(a => a == true)} yes, {answers.Count(a => a == false)} no");
        }
    }

    [Fact]
    public async Task BuiltinWithTheOracleReaches95PercentOn200Tasks()
    {
        var result = await TaskEvalRunner.RunAsync(scenes.TaskFilePath, scenes.Oracle, "oracle", new BuiltinPlanner(), new TaskEvalOptions());
        var outDir = Path.Combine(scenes.Root, "eval-builtin");
        TaskEvalRunner.Write(outDir, result);
        output.WriteLine(File.ReadAllText(Path.Combine(outDir, TaskEvalRunner.Report)));
        Assert.Equal(TaskSceneFixture.TaskCount, result.Metrics.Overall.N);
        Assert.True(result.Metrics.Overall.Accuracy >= 0.95, $"builtin + oracle accuracy {result.Metrics.Overall.Accuracy:P1}");
        Assert.All(result.Predictions, p => Assert.Equal(2, p.Trace.Rounds.Count));
        // The oracle answers structured questions only, so the composite question sent straight to it gets no answer.
        Assert.All(result.Predictions, p => Assert.NotNull(p.Direct));
        Assert.Equal(7, result.Metrics.ByFamily.Count);
        var lines = File.ReadAllLines(Path.Combine(outDir, TaskEvalRunner.Predictions));
        Assert.Equal(TaskSceneFixture.TaskCount, lines.Length);
        Assert.Contains("\"trace\":", lines[0]);
    }

    [Fact]
    public async Task AnObjectNotInTheImageGivesAClearNoAnswer()
    {
        var task = TaskFile.Read(scenes.TaskFilePath).First(t => t.Family == TaskFamily.Reachable);
        var image = Path.Combine(scenes.Root, task.Image);
        var question = $"Is the purple giraffe within an arm's length (0.8 m) of the {task.Subjects[0].Caption}?";
        var coordinator = new ReasoningCoordinator(scenes.Oracle, "oracle", new ReasoningOptions());
        var trace = await coordinator.RunAsync(new ReasoningProblem(image, question), new BuiltinPlanner());
        output.WriteLine(trace.ToText());
        Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
        Assert.StartsWith("no answer:", trace.FinalAnswer);
        Assert.Contains("purple giraffe", trace.FinalAnswer);
        var asked = Assert.Single(Assert.Single(trace.Rounds, r => r.SubQuestions.Count > 0).SubQuestions);
        Assert.Contains("purple giraffe", asked.Error);
    }

    [Fact]
    public async Task AQuestionOutsideTheFamiliesIsRefusedInOneLine()
    {
        var task = TaskFile.Read(scenes.TaskFilePath)[0];
        var coordinator = new ReasoningCoordinator(scenes.Oracle, "oracle", new ReasoningOptions());
        var trace = await coordinator.RunAsync(new ReasoningProblem(Path.Combine(scenes.Root, task.Image), "What colour is the sky?"), new BuiltinPlanner());
        Assert.Equal(ReasoningStatus.NoAnswer, trace.Status);
        Assert.Contains("understands only", trace.FinalAnswer);
        Assert.DoesNotContain('\n', trace.FinalAnswer);
    }

    [Fact]
    public void ABadTaskLineIsAOneLineError()
    {
        var path = Path.Combine(scenes.Root, "bad.jsonl");
        File.WriteAllText(path, "{\"id\": \"x\", \"family\": \"isosceles\"}\n");
        var e = Assert.Throws<SpatialVlmException>(() => TaskFile.Read(path));
        Assert.Contains("line 1", e.Message);
        Assert.True(TaskFile.IsTaskFile(path));
        Assert.False(TaskFile.IsTaskFile(Path.Combine(scenes.Root, "missing.jsonl")));
    }
}
