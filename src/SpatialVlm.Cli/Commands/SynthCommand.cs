using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Cli.Commands;

public static class SynthCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "output folder (dataset.jsonl, images/, README.md card; a rerun resumes)", Required = true };
        var scenes = new Option<int?>("--scenes") { Description = "render N procedural scenes in-process as the input" };
        var seed = new Option<long>("--seed") { Description = "first scene seed, and the seed mixed into question sampling", DefaultValueFactory = _ => 0 };
        var input = new Option<string?>("--input") { Description = "input folder: scene folders (scene.json each), or an RGB-D folder (color/, depth/, intrinsics.json, optional annotations.json)" };
        var format = new Option<string>("--format") { Description = "output formats: any of jsonl,parquet,llava", DefaultValueFactory = _ => "jsonl,parquet,llava" };
        var qaPerImage = new Option<int>("--qa-per-image") { Description = "questions per image", DefaultValueFactory = _ => 30 };
        var size = new Option<string>("--size") { Description = "procedural scene size WxH", DefaultValueFactory = _ => "640x480" };
        var workers = new Option<int>("--workers") { Description = "images processed at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var cmd = new Command("synth", "The data engine: observations in, spatial QA dataset out (OUT/dataset.jsonl, OUT/images/, OUT/README.md).")
        { outDir, scenes, seed, input, format, qaPerImage, size, workers };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(scenes);
            var dir = parse.GetValue(input);
            if ((n is null) == (dir is null)) throw new SpatialVlmException("give exactly one input: --scenes N or --input DIR");
            if (n is <= 0) throw new SpatialVlmException("--scenes must be positive");
            var perImage = parse.GetValue(qaPerImage);
            if (perImage <= 0) throw new SpatialVlmException("--qa-per-image must be positive");
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var s = parse.GetValue(seed);

            IObservationSource source = n is int count
                ? new ProceduralSource(new SceneOptions { Width = w, Height = h }, s, count)
                : OpenInput(dir!);
            var options = new SynthesisOptions();
            options = options with { Questions = options.Questions with { QaPerImage = perImage } };
            var run = new SynthesisRun(new SynthesisPipeline(options), new SynthesisRunOptions
            {
                OutDir = parse.GetValue(outDir)!,
                Formats = DatasetFormats.Parse(parse.GetValue(format)!),
                Seed = s,
                Workers = Math.Max(1, parse.GetValue(workers)),
            });
            var output = parse.InvocationConfiguration.Output;
            var summary = ProgressDisplay.Run(output, $"synth: {source.Description}", source.Items.Count, "images",
                report => run.Execute(source, new ProgressDisplay.Callback<RunProgress>(p => report(p.Done, $"{p.Failed} failed, {p.Resumed} resumed"))));
            output.WriteLine($"synth: {summary.Images - summary.Failed} images, {summary.Qa} QA pairs, {summary.Failed} failed, {summary.Resumed} resumed, " +
                             $"{summary.Statistics.QaByType.Count} question types, {summary.Images / Math.Max(1e-9, summary.Elapsed.TotalSeconds):0.0} images/s -> {parse.GetValue(outDir)}");
            return 0;
        });
        return cmd;
    }

    private static IObservationSource OpenInput(string dir)
    {
        if (!Directory.Exists(dir)) throw new SpatialVlmException($"{dir}: no such folder");
        if (SceneFolderSource.Matches(dir)) return new SceneFolderSource(dir);
        if (RgbdFolderSource.Matches(dir)) return new RgbdFolderSource(dir);
        throw new SpatialVlmException($"{dir}: neither scene folders (scene.json) nor an RGB-D folder (color/, depth/, intrinsics.json) found");
    }
}
