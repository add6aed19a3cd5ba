using Xunit.Abstractions;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>Scripted LLMs on a real loopback HTTP server decompose the 200 tasks, with the oracle as the spatial model.</summary>
[Collection(TaskScenesCollection.Name)]
public sealed class ScriptedLlmTests(TaskSceneFixture scenes, ITestOutputHelper output)
{
    private static readonly LlmOptions Fast = new() { RequestTimeout = TimeSpan.FromSeconds(20), MaxRetries = 1, InitialBackoff = TimeSpan.FromMilliseconds(20) };

    [Theory]
    [InlineData(PlannerProtocol.Tools)]
    [InlineData(PlannerProtocol.Text)]
    public async Task AScriptedLlmReaches95PercentOn200Tasks(PlannerProtocol protocol)
    {
        using var server = new LoopbackChatServer(protocol == PlannerProtocol.Tools ? ScriptedLlms.Tools : ScriptedLlms.PlainText);
        var planner = PlannerSpec.Create(server.Spec, protocol, Fast, out var owned);
        using (owned)
        {
            var result = await TaskEvalRunner.RunAsync(scenes.TaskFilePath, scenes.Oracle, "oracle", planner, new TaskEvalOptions { Direct = false });
            var outDir = Path.Combine(scenes.Root, $"eval-{protocol}");
            TaskEvalRunner.Write(outDir, result);
            output.WriteLine(File.ReadAllText(Path.Combine(outDir, TaskEvalRunner.Report)));
            Assert.Equal(TaskSceneFixture.TaskCount, result.Metrics.Overall.N);
            Assert.True(result.Metrics.Overall.Accuracy >= 0.95, $"{protocol}: accuracy {result.Metrics.Overall.Accuracy:P1}");
            // One sub-question per round, numbers fed back with units, the object ids found from the names.
            var sample = result.Predictions.First(p => p.Family == TaskFamily.Isosceles).Trace;
            Assert.Equal(4, sample.Rounds.Count);
            Assert.All(sample.Rounds.SelectMany(r => r.SubQuestions), q =>
            {
                Assert.Equal("distance", q.Type);
                Assert.NotNull(q.ObjectAId);
                Assert.NotNull(q.ObjectBId);
                Assert.Matches(@"^\d+(\.\d+)? m$", q.FedBack);
            });
            Assert.True(server.Requests >= TaskSceneFixture.TaskCount * 2);
        }
    }
}
