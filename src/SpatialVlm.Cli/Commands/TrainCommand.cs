using System.CommandLine;
using SpatialVlm.Core;
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
        var device = new Option<string>("--device") { Description = "cpu (or cuda where a CUDA build of TorchSharp is present)", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("train", "Train the built-in VLM on synth output (TorchSharp); checkpoints describe themselves and a rerun resumes exactly.")
            { data, config, outDir, steps, batch, lr, weightDecay, warmup, freeze, noise, seed, threads, every, device };
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
                CheckpointEvery = parse.GetValue(every), Device = parse.GetValue(device)!,
            }.Validated();
            var stdout = parse.InvocationConfiguration.Output;
            using var trainer = Trainer.HasCheckpoint(output) ? Trainer.Resume(output, options.Steps) : Trainer.Create(VlmConfig.Preset(parse.GetValue(config)!), options);
            var result = ProgressDisplay.Run(stdout, $"train: {qa} QA pairs", options.Steps, "steps", report =>
                trainer.Train(examples, null, new Progress(report)));
            stdout.WriteLine($"train: steps {result.FirstStep + 1}..{result.LastStep}, loss {(result.Losses.Count > 0 ? result.Losses[^1] : double.NaN):0.####}" +
                             $"{(examples.Skipped.Count > 0 ? $", {examples.Skipped.Count} images skipped (first: {examples.Skipped.First().Value})" : "")} -> {result.LastCheckpoint}");
            return 0;
        });
        return cmd;
    }

    private sealed class Progress(Action<int, string> report) : ITrainingProgress
    {
        public void StepCompleted(TrainingStepReport r) => report(r.Step, $"loss {r.Loss:0.###}");
        public void CheckpointWritten(int step, string directory) { }
    }
}
