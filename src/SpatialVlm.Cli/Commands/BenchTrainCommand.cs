using System.CommandLine;
using System.Text.Json;
using SpatialVlm.Model;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench train`: full training steps (forward, backward, AdamW) of a preset on synthetic images and text; prints one
/// JSON object with the shapes, so `scripts/bench-train.sh` can build the same model in PyTorch and compare in one run.
/// </summary>
public static class BenchTrainCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--config") { Description = $"model size: {string.Join(", ", VlmConfig.PresetNames)}", DefaultValueFactory = _ => "nano" };
        var batch = new Option<int>("--batch-size") { Description = "sequences per step", DefaultValueFactory = _ => 32 };
        var tokens = new Option<int>("--text-tokens") { Description = "text tokens after the image tokens in each sequence", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "timed steps", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "untimed steps first", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "torch CPU threads", DefaultValueFactory = _ => 1 };
        var cmd = new Command("train", "Times training steps of the built-in VLM (TorchSharp); prints one JSON object.") { preset, batch, tokens, steps, warmup, threads };
        cmd.SetAction(parse =>
        {
            var result = TrainingBenchmark.Run(new TrainingBenchmarkOptions
            {
                Preset = parse.GetValue(preset)!, BatchSize = parse.GetValue(batch), TextTokens = parse.GetValue(tokens),
                Steps = parse.GetValue(steps), WarmupSteps = parse.GetValue(warmup), Threads = parse.GetValue(threads),
            });
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            return 0;
        });
        return cmd;
    }
}
