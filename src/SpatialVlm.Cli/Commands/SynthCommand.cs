using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Captioning;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Dataset;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Cli.Commands;

public static class SynthCommand
{
    public static Command Create(ModelStore models)
    {
        var outDir = new Option<string>("--out") { Description = "output folder (dataset.jsonl, images/, README.md card; a rerun resumes)", Required = true };
        var scenes = new Option<int?>("--scenes") { Description = "render N procedural scenes in-process as the input" };
        var seed = new Option<long>("--seed") { Description = "first scene seed, and the seed mixed into question sampling", DefaultValueFactory = _ => 0 };
        var input = new Option<string?>("--input") { Description = "input folder: scene folders (scene.json each), an RGB-D folder (color/, depth/, intrinsics.json, optional annotations.json; without it the detector and segmenter propose objects over the sensor depth), or photos (jpg/png/webp recursively, WebDataset .tar shards, Parquet with an image column) for the perception models" };
        var format = new Option<string>("--format") { Description = "output formats: any of jsonl,parquet,llava", DefaultValueFactory = _ => "jsonl,parquet,llava" };
        var qaPerImage = new Option<int>("--qa-per-image") { Description = "questions per image", DefaultValueFactory = _ => 30 };
        var size = new Option<string>("--size") { Description = "procedural scene size WxH", DefaultValueFactory = _ => "640x480" };
        var workers = new Option<int>("--workers") { Description = "images processed at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var perception = new Option<string>("--perception") { Description = "how plain photos become 3D: 'models' (scene filter, metric depth, detection, segmentation; the only choice for photos)", DefaultValueFactory = _ => "models" };
        var depthModel = new Option<string>("--depth-model") { Description = "metric depth model (see `models list`)", DefaultValueFactory = _ => new PhotoModelChoice().DepthModel };
        var detector = new Option<string>("--detector") { Description = "open-vocabulary detector model", DefaultValueFactory = _ => new PhotoModelChoice().Detector };
        var captioner = new Option<string?>("--captioner") { Description = "propose objects with a region captioner instead of detecting the query vocabulary: florence-2-base-ft (Florence-2 dense region captions)" };
        var captionerTask = new Option<string>("--captioner-task") { Description = "Florence-2 task: dense (<DENSE_REGION_CAPTION>, short descriptions) or od (<OD>, category names)", DefaultValueFactory = _ => "dense" };
        var segmenter = new Option<string>("--segmenter") { Description = "box-prompted segmentation model", DefaultValueFactory = _ => new PhotoModelChoice().Segmenter };
        var queries = new Option<string?>("--queries") { Description = "detection queries, comma-separated (default: an everyday indoor/outdoor object vocabulary)" };
        var vocabulary = new Option<string?>("--vocabulary") { Description = "file of detection queries, one per line" };
        var filterThreshold = new Option<double>("--filter-threshold") { Description = "CLIP scene filter: keep photos whose keep-prompt probability is at least this", DefaultValueFactory = _ => new PhotoModelChoice().FilterThreshold };
        var noFilter = new Option<bool>("--no-filter") { Description = "skip the CLIP scene filter" };
        var fov = new Option<double>("--fov") { Description = "horizontal field of view (degrees) assumed when the depth model gives no focal length", DefaultValueFactory = _ => new PhotoModelChoice().FieldOfViewDegrees };
        var overlays = new Option<bool>("--overlays") { Description = "also draw OUT/overlays/<id>.png per image: tinted masks with names and measured sizes, measured boxes, support plane, skipped objects and dropped detections with reasons, frame legend; failed images show why" };
        var full = new Option<bool>("--full") { Description = "also write each object's denoised points in the question frame as OUT/points/<id>/<object>.ply (binary PLY), named in its record as points_file" };
        var device = DeviceFlag.Create();
        var imageColumn = new Option<string?>("--image-column") { Description = "Parquet column holding image bytes (default: found from the schema)" };
        var cmd = new Command("synth", "The data engine: observations in, spatial QA dataset out (OUT/dataset.jsonl, OUT/images/, OUT/README.md).")
        { outDir, scenes, seed, input, format, qaPerImage, size, workers, perception, depthModel, detector, captioner, captionerTask, segmenter, queries, vocabulary, filterThreshold, noFilter, fov, imageColumn, overlays, full, device };
        cmd.SetAction(parse =>
        {
            OutputPath.Folder(parse.GetValue(outDir));
            var n = parse.GetValue(scenes);
            var dir = parse.GetValue(input);
            if ((n is null) == (dir is null)) throw new SpatialVlmException("give exactly one input: --scenes N or --input DIR");
            if (n is <= 0) throw new SpatialVlmException("--scenes must be positive");
            var perImage = parse.GetValue(qaPerImage);
            if (perImage <= 0) throw new SpatialVlmException("--qa-per-image must be positive");
            if (parse.GetValue(workers) < 1) throw new SpatialVlmException($"--workers must be at least 1, got {parse.GetValue(workers)}");
            var formats = DatasetFormats.Parse(parse.GetValue(format)!);
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var s = parse.GetValue(seed);
            var session = DeviceFlag.Resolve(parse.GetValue(device));

            if (parse.GetValue(perception) != "models") throw new SpatialVlmException($"--perception '{parse.GetValue(perception)}' is not known; use 'models'");
            PhotoModelChoice Choice() => new()
            {
                DepthModel = parse.GetValue(depthModel)!, Detector = parse.GetValue(detector)!, Captioner = parse.GetValue(captioner), CaptionerTask = Florence2Tasks.Parse(parse.GetValue(captionerTask)!), Segmenter = parse.GetValue(segmenter)!,
                Filter = !parse.GetValue(noFilter), FilterThreshold = parse.GetValue(filterThreshold), FieldOfViewDegrees = parse.GetValue(fov),
                Chain = new PhotoPerceptionOptions { Queries = PhotoPerceptionFactory.Queries(parse.GetValue(queries), parse.GetValue(vocabulary)) },
            };
            IObservationSource source = n is int count
                ? new ProceduralSource(new SceneOptions { Width = w, Height = h }, s, count)
                : OpenInput(dir!, Choice, parse.GetValue(imageColumn), models, session);
            // Records made by perception models depend on every model choice and threshold: they join the run's identity.
            var usesModels = source is PhotoSource || source is RgbdFolderSource && !File.Exists(Path.Combine(dir!, "annotations.json"));
            var options = new SynthesisOptions();
            // Workers already share the cores; the geometry inside each gets what is left over (one thread when workers ≥ cores).
            options = options with
            {
                Questions = options.Questions with { QaPerImage = perImage },
                GeometryThreads = Math.Max(1, Environment.ProcessorCount / parse.GetValue(workers)),
            };
            var run = new SynthesisRun(new SynthesisPipeline(options), new SynthesisRunOptions
            {
                OutDir = parse.GetValue(outDir)!,
                Formats = formats,
                Seed = s,
                Workers = parse.GetValue(workers),
                Overlays = parse.GetValue(overlays),
                WritePoints = parse.GetValue(full),
                Models = usesModels ? ConfigFields.Flatten(Choice(), "perception") : new Dictionary<string, string>(),
            });
            var output = parse.InvocationConfiguration.Output;
            var summary = ProgressDisplay.Run(output, $"synth: {source.Description}", source.Items.Count, "images",
                report => run.Execute(source, new ProgressDisplay.Callback<RunProgress>(p => report(p.Done, $"{p.Failed} failed, {p.Resumed} resumed"))));
            output.WriteLine($"synth: {summary.Images - summary.Failed} images, {summary.Qa} QA pairs, {summary.Failed} failed, {summary.Resumed} resumed, {summary.Recovered} recovered, " +
                             $"{summary.Statistics.QaByType.Count} question types, {summary.Images / Math.Max(1e-9, summary.Elapsed.TotalSeconds):0.0} images/s -> {parse.GetValue(outDir)}");
            if (summary.Images > 0 && summary.Failed == summary.Images)
            {
                var (reason, times) = summary.Statistics.FailureReasons.MaxBy(r => r.Value);
                throw new SpatialVlmException($"no image produced a record: {summary.Failed} failed, most often ({times}×) '{reason}'; see {Path.Combine(parse.GetValue(outDir)!, "manifest.json")}");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>Scene folders, an RGB-D folder, or else photos (image files, WebDataset shards, Parquet) through the perception models.</summary>
    private static IObservationSource OpenInput(string dir, Func<PhotoModelChoice> choice, string? imageColumn, ModelStore models, OnnxSessionOptions session)
    {
        if (!Directory.Exists(dir)) throw new SpatialVlmException(File.Exists(dir) ? $"{dir}: is a file, not a folder (give the folder that holds the inputs)" : $"{dir}: no such folder");
        if (SceneFolderSource.Matches(dir)) return new SceneFolderSource(dir);
        if (RgbdFolderSource.Matches(dir))
            return new RgbdFolderSource(dir, null, openPerception: () => PhotoPerceptionFactory.OpenForRgbd(models, choice(), session));
        if (!PhotoInputs.Matches(dir))
            throw new SpatialVlmException($"{dir}: no scene folders (scene.json), RGB-D folder (color/, depth/, intrinsics.json), images, .tar shards or .parquet files found");
        var (photos, what) = PhotoInputs.Find(dir, imageColumn);
        var chain = PhotoPerceptionFactory.Open(models, choice(), session);
        return new PhotoSource(photos, chain, what);
    }
}
