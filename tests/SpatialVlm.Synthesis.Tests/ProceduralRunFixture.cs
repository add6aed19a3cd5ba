using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Sources;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>One synth run over 200 procedural scenes, shared by the ground-truth tests.</summary>
public sealed class ProceduralRunFixture : IDisposable
{
    public const int SceneCount = 200;
    public const long FirstSeed = 1000;
    public string OutDir { get; } = Directory.CreateTempSubdirectory("synth-gt-").FullName;
    public RunSummary Summary { get; }
    public IReadOnlyList<JsonObject> Records { get; }
    public IReadOnlyDictionary<string, SceneDescription> Truth { get; }

    public ProceduralRunFixture()
    {
        var sceneOptions = new SceneOptions();
        var source = new ProceduralSource(sceneOptions, FirstSeed, SceneCount);
        var run = new SynthesisRun(new Stages.SynthesisPipeline(new SynthesisOptions()), new SynthesisRunOptions { OutDir = OutDir, Seed = 7, Workers = 2 });
        Summary = run.Execute(source);
        Records = File.ReadLines(Path.Combine(OutDir, "dataset.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var generator = new SceneGenerator(sceneOptions);
        Truth = source.Items.ToDictionary(i => i.Id, i => generator.Generate(i.Seed).Description);
    }

    public void Dispose()
    {
        try { Directory.Delete(OutDir, recursive: true); } catch (IOException) { }
    }
}
