using SpatialVlm.Benchmarks;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>
/// Procedural scene folders rendered once for the test class, a 200-task file built from them with exact answers,
/// and one oracle (it keeps each scene's reconstruction, so the planners share that work).
/// </summary>
public sealed class TaskSceneFixture : IDisposable
{
    public const int TaskCount = 200;
    public string Root { get; } = Directory.CreateTempSubdirectory("reason-tasks-").FullName;
    public string Scenes => Path.Combine(Root, "scenes");
    public string TaskFilePath => Path.Combine(Root, "tasks.jsonl");
    public TaskBuildSummary Summary { get; }
    public OracleAnswerer Oracle { get; } = new(new SynthesisOptions());

    public TaskSceneFixture()
    {
        var generator = new SceneGenerator(new SceneOptions());
        for (long seed = 7000; seed < 7044; seed++)
            SceneFolder.Write(Path.Combine(Scenes, SceneGenerator.SceneId(seed)), generator.Generate(seed));
        Summary = TaskBuilder.Build(Scenes, TaskFilePath, new TaskBuildOptions { TasksPerScene = 5, MaxTasks = TaskCount });
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The test classes that reason over the rendered scenes share one fixture (scenes render once).</summary>
[CollectionDefinition(Name)]
public sealed class TaskScenesCollection : ICollectionFixture<TaskSceneFixture>
{
    public const string Name = "task scenes";
}
