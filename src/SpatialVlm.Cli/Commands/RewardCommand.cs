using System.CommandLine;
using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;
using SpatialVlm.Rewards;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `reward`: dense reward annotation of a frame sequence or video: the per-frame distance between two described objects
/// from a model SPEC, and the smoothed reward curve as rewards.csv, rewards.json and rewards.png in OUT.
/// </summary>
public static class RewardCommand
{
    /// <param name="register">Adds answerers this build can provide (oracle, checkpoint) to the factory.</param>
    /// <param name="searchPath">where ffmpeg is looked for (the environment's PATH), read once by the caller</param>
    public static Command Create(Action<AnswererFactory, OpenAiChatOptions>? register, string? searchPath)
    {
        var model = new Option<string>("--model") { Description = ModelFlags.SpecHelp, Required = true };
        var frames = new Option<string>("--frames")
        {
            Description = "the frames: a folder of images (sorted by name), a procedural sequence (`scenes --robot --frames K`: a scene folder or its frames/), " +
                          "an RGB-D folder (color/, depth/, intrinsics.json, annotations.json: the oracle measures the sensor depth), or a video file (decoded by ffmpeg)",
            Required = true,
        };
        var a = new Option<string>("--a") { Description = "the first object, as the model should read it (e.g. \"the gray gripper\")", Required = true };
        var b = new Option<string>("--b") { Description = "the second object (e.g. \"the red apple\")", Required = true };
        var outDir = new Option<string>("--out") { Description = "output folder: rewards.csv, rewards.json, rewards.png (a video's frames go to OUT/video-frames/)", Required = true };
        var samples = new Option<int>("--samples") { Description = "answers drawn per frame (mean and spread are recorded)", DefaultValueFactory = _ => 1 };
        var smoothing = new Option<string>("--smoothing") { Description = Smoothing.Help, DefaultValueFactory = _ => Smoothing.Default.Name };
        var camera = new Option<string>("--camera")
        {
            Description = "auto (fixed when every frame has the same size and known camera, else moving), fixed (one canonical frame estimated once for the sequence), or moving (a wrist camera: a frame per image)",
            DefaultValueFactory = _ => "auto",
        };
        var fps = new Option<double?>("--fps") { Description = "video: frames per second to sample (default: every frame)" };
        var workers = new Option<int>("--workers") { Description = "frames asked at once (results do not depend on it)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var flags = new ModelFlags();
        var cmd = new Command("reward", "Per-frame distance between two described objects, and the reward curve (CSV, JSON, PNG).")
            { model, frames, a, b, outDir, samples, smoothing, camera, fps, workers };
        foreach (var option in flags.All) cmd.Options.Add(option);
        cmd.SetAction(parse =>
        {
            var options = new RewardOptions
            {
                A = parse.GetValue(a)!,
                B = parse.GetValue(b)!,
                Samples = parse.GetValue(samples),
                Smoothing = Smoothing.Parse(parse.GetValue(smoothing)!),
                Camera = parse.GetValue(camera)!.Trim().ToLowerInvariant() switch
                {
                    "auto" => CameraChoice.Auto,
                    "fixed" => CameraChoice.Fixed,
                    "moving" => CameraChoice.Moving,
                    var other => throw new SpatialVlmException($"--camera {other}: expected auto, fixed or moving"),
                },
                Workers = parse.GetValue(workers),
            };
            if (options.Samples < 1) throw new SpatialVlmException("--samples must be at least 1");
            if (options.Workers < 1) throw new SpatialVlmException("--workers must be at least 1");
            if (parse.GetValue(fps) is { } f && !(f > 0 && double.IsFinite(f))) throw new SpatialVlmException($"--fps must be a positive number, not {f}");
            var spec = ModelSpec.Parse(parse.GetValue(model)!);
            var input = parse.GetValue(frames)!;
            var output = parse.GetValue(outDir)!;
            var stdout = parse.InvocationConfiguration.Output;
            var sequence = File.Exists(input)
                ? VideoFrames.Decode(input, Path.Combine(output, "video-frames"), new VideoDecodeOptions(null, searchPath, parse.GetValue(fps)), CancellationToken.None)
                : FrameSequence.FromFolder(input);
            var answerer = flags.Factory(parse, register).Create(spec);
            try
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                var run = ProgressDisplay.Run(stdout, $"reward: asking {spec.Text} about {sequence.Frames.Count} frames", sequence.Frames.Count, "frames",
                    report => new RewardRunner(answerer, spec.Text, options).RunAsync(sequence, report, CancellationToken.None).GetAwaiter().GetResult());
                RewardOutputs.Write(output, run);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Answered}/{run.Frames.Count} frames answered, {run.Failures.Count} gap(s); {run.Camera.Mode} camera; smoothing {run.Smoothing.Name}; {started.Elapsed.TotalSeconds:0.0} s → {Path.Combine(output, RewardOutputs.JsonFile)}"));
                foreach (var failure in run.Failures.Take(5)) stdout.WriteLine($"  frame {failure.Index} ({failure.Image}): {failure.Reason}");
                if (run.Failures.Count > 5) stdout.WriteLine($"  … {run.Failures.Count - 5} more in {RewardOutputs.JsonFile}");
                return 0;
            }
            finally
            {
                (answerer as IDisposable)?.Dispose();
            }
        });
        return cmd;
    }
}
