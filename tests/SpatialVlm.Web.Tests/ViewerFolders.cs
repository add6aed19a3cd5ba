using SpatialVlm.Benchmarks;
using SpatialVlm.Contracts.Answering;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Evaluation;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Web.Tests;

/// <summary>
/// The folders the viewer is tested on, generated once with the library: a dataset with points and overlays (synth --full
/// --overlays), a copy of it with one image deleted and one malformed line, a benchmark built from procedural scenes, and two
/// eval runs over it (the oracle and an answerer that always says the same).
/// </summary>
public sealed class ViewerFolders : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("viewer-").FullName;
    public string Dataset => Path.Combine(Root, "dataset");
    public string BrokenDataset => Path.Combine(Root, "dataset-broken");
    public string BenchmarkFolder => Path.Combine(Root, "bench");
    public string BenchmarkFile => Path.Combine(BenchmarkFolder, "bench.jsonl");
    public string OracleRun => Path.Combine(Root, "eval-oracle");
    public string ConstantRun => Path.Combine(Root, "eval-constant");
    public string Empty => Path.Combine(Root, "empty");
    /// <summary>The image deleted from <see cref="BrokenDataset"/>, relative to it.</summary>
    public string DeletedImage { get; }

    public ViewerFolders()
    {
        new SynthesisRun(new SynthesisPipeline(new SynthesisOptions()),
                new SynthesisRunOptions { OutDir = Dataset, WritePoints = true, Overlays = true, Formats = Synthesis.Dataset.DatasetFormat.Jsonl, Workers = 2 })
            .Execute(new ProceduralSource(new SceneOptions { Width = 320, Height = 240 }, 11, 6));

        CopyFolder(Dataset, BrokenDataset);
        var first = DatasetFolder.ReadLines(Path.Combine(BrokenDataset, DatasetFolder.RecordsFile)).First();
        DeletedImage = first.Image;
        File.Delete(Path.Combine(BrokenDataset, first.Image));
        File.AppendAllText(Path.Combine(BrokenDataset, DatasetFolder.RecordsFile), "{\"schema\": 2, \"id\": \"broken\"\n");

        var scenes = Path.Combine(BenchmarkFolder, "scenes");
        var generator = new SceneGenerator(new SceneOptions { Width = 320, Height = 240 });
        for (long seed = 300; seed < 308; seed++) SceneFolder.Write(Path.Combine(scenes, SceneGenerator.SceneId(seed)), generator.Generate(seed));
        BenchmarkBuilder.Build(scenes, BenchmarkFile, new BenchmarkBuildOptions { MaxQuestions = 80 });

        var benchmark = BenchmarkReader.Read(BenchmarkFile);
        var oracle = EvalRunner.RunAsync(benchmark, "bench.jsonl", new OracleAnswerer(new SynthesisOptions()), "oracle", new EvalOptions(), _ => { }).GetAwaiter().GetResult();
        EvalOutputs.Write(OracleRun, oracle, new MetricsOptions());
        var constant = EvalRunner.RunAsync(benchmark, "bench.jsonl", new ConstantAnswerer(), "constant", new EvalOptions(), _ => { }).GetAwaiter().GetResult();
        EvalOutputs.Write(ConstantRun, constant, new MetricsOptions());

        Directory.CreateDirectory(Empty);
        File.WriteAllText(Path.Combine(Empty, "notes.txt"), "not a dataset");
    }

    /// <summary>Always "yes, about 1 meter": right on some questions, wrong on most.</summary>
    private sealed class ConstantAnswerer : ISpatialAnswerer
    {
        public Task<SpatialAnswer> AnswerAsync(AnswerRequest request, CancellationToken ct) =>
            Task.FromResult(SpatialAnswer.Single(request.Type?.Kind == Questions.QuestionKind.Quantitative ? "about 1 meter" : "yes"));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }

    public IReadOnlyList<DatasetRecord> Records() => new DatasetFolder(Dataset).Records().ToList();

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<ViewerFolders>
{
    public const string Name = "viewer folders";
}
