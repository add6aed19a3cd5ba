using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;
using SpatialVlm.Model;

namespace SpatialVlm.Cli.Commands;

/// <summary>`train`: the built-in VLM on `synth` output; checkpoints under OUT, and a rerun into OUT resumes exactly.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "dataset folders written by `synth` (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var config = new Option<string>("--config") { Description = $"model size: {string.Join(", ", VlmConfig.PresetNames)}", DefaultValueFactory = _ => "nano" };
        var outDir = new Option<string>("--out") { Description = "run folder: checkpoints/, latest, train-log.jsonl, loss.png (a rerun resumes)", Required = true };
        var steps = new Option<int>("--max-steps") { Description = "optimizer steps in all", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch-size") { Description = "examples per step", DefaultValueFactory = _ => 16 };
        var lr = new Option<double>("--lr") { Description = "peak learning rate (AdamW, warmup then cosine)", DefaultValueFactory = _ => 1e-3 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay on weight matrices", DefaultValueFactory = _ => 0.01 };
        var warmup = new Option<int>("--warmup") { Description = "warmup steps", DefaultValueFactory = _ => 50 };
        var freeze = new Option<bool>("--freeze-vision") { Description = "keep the vision encoder frozen (the paper's Table 4 compares frozen and trained)" };
        var noise = new Option<double>("--answer-noise") { Description = "Gaussian relative noise σ on lengths in answers (the paper's Table 5)", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "seed of initialisation, sampling and noise", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for torch", DefaultValueFactory = _ => 1 };
        var every = new Option<int>("--checkpoint-every") { Description = "steps between checkpoints", DefaultValueFactory = _ => 100 };
        var general = new Option<string[]>("--general") { Description = "general (non-spatial) data, repeatable: a synth folder (questions about presence, count, colour and category with exact answers from its records) or a LLaVA-format .json file", AllowMultipleArgumentsPerToken = true };
        var share = new Option<double>("--spatial-share") { Description = "share of training TOKENS from spatial QA when --general is given (the paper: 0.05; 0 trains on general data only, the no-spatial baseline)", DefaultValueFactory = _ => 0.05 };
        var init = new Option<string?>("--init") { Description = "start a new run from this checkpoint's weights (a run folder or step-N folder; its model shape wins over --config): phase 2 after a phase on general data" };
        var device = new Option<string>("--device") { Description = "cpu (or cuda where a CUDA build of TorchSharp is present)", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("train", "Train the built-in VLM on synth output (TorchSharp); checkpoints describe themselves and a rerun resumes exactly.")
            { data, config, outDir, steps, batch, lr, weightDecay, warmup, freeze, noise, seed, threads, every, general, share, init, device };
        cmd.SetAction(parse =>
        {
            var output = OutputPath.Folder(parse.GetValue(outDir));
            var examples = new DatasetExamples(parse.GetValue(data) ?? []);
            var qa = examples.CountQa();
            if (qa == 0) throw new SpatialVlmException("the datasets hold no QA pairs to train on");
            var options = new TrainingOptions
            {
                OutputDirectory = output, Steps = parse.GetValue(steps), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(weightDecay), WarmupSteps = parse.GetValue(warmup), FreezeVision = parse.GetValue(freeze),
                AnswerNoiseSigma = parse.GetValue(noise), Seed = parse.GetValue(seed), Threads = parse.GetValue(threads),
                CheckpointEvery = parse.GetValue(every), Device = parse.GetValue(device)!, SpatialTokenShare = parse.GetValue(share),
            }.Validated();
            var generalSources = GeneralSources(parse.GetValue(general) ?? [], options.Seed);
            var stdout = parse.InvocationConfiguration.Output;
            using var trainer = Trainer.HasCheckpoint(output) ? Trainer.Resume(output, options.Steps)
                : parse.GetValue(init) is { } initFrom ? Trainer.CreateFrom(initFrom, options)
                : Trainer.Create(VlmConfig.Preset(parse.GetValue(config)!), options);
            var result = ProgressDisplay.Run(stdout, $"train: {qa} QA pairs", options.Steps, "steps", report =>
                trainer.Train(examples, generalSources.Count == 0 ? null : generalSources.SelectMany(g => g.Examples), new Progress(report)));
            stdout.WriteLine($"train: steps {result.FirstStep + 1}..{result.LastStep}, loss {(result.Losses.Count > 0 ? result.Losses[^1] : double.NaN):0.####}" +
                             $"{SkippedText(examples.Skipped, "images")}{string.Concat(generalSources.Select(g => SkippedText(g.Skipped(), $"general entries of {g.Name}")))} -> {result.LastCheckpoint}");
            return 0;
        });
        return cmd;
    }

    /// <summary>One general data source: its examples, and what it skipped so far.</summary>
    private sealed record GeneralSource(string Name, IEnumerable<TrainingExample> Examples, Func<IReadOnlyDictionary<string, string>> Skipped);

    /// <summary>A synth folder gives questions generated from its records; a .json file is read as LLaVA conversations.</summary>
    private static List<GeneralSource> GeneralSources(IEnumerable<string> paths, long seed) =>
        [.. paths.Select(path =>
        {
            if (Directory.Exists(path))
            {
                var generated = new GeneralExamples([path], seed);
                return new GeneralSource(path, generated, () => generated.Skipped);
            }
            if (File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            {
                var llava = new LlavaExamples(path);
                return new GeneralSource(path, llava, () => llava.Skipped);
            }
            throw new SpatialVlmException($"--general {path}: expected a synth folder or a LLaVA .json file");
        })];

    private static string SkippedText(IReadOnlyDictionary<string, string> skipped, string what) =>
        skipped.Count > 0 ? $", {skipped.Count} {what} skipped (first: {skipped.First().Value})" : "";

    private sealed class Progress(Action<int, string> report) : ITrainingProgress
    {
        public void StepCompleted(TrainingStepReport r) => report(r.Step, $"loss {r.Loss:0.###}, spatial {r.SpatialTokenShare:P0} of tokens");
        public void CheckpointWritten(int step, string directory) { }
    }
}
