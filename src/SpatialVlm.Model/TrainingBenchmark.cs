using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SpatialVlm.Model;

/// <summary>What to time: full training steps (forward, backward, AdamW) on synthetic images and text.</summary>
public sealed record TrainingBenchmarkOptions
{
    public string Preset { get; init; } = "nano";
    public int BatchSize { get; init; } = 32;
    /// <summary>Text tokens after the image tokens in each sequence.</summary>
    public int TextTokens { get; init; } = 64;
    public int Steps { get; init; } = 10;
    public int WarmupSteps { get; init; } = 2;
    public int Threads { get; init; } = 1;
    public long Seed { get; init; } = 1;
    public string Device { get; init; } = "cpu";
}

/// <summary>Timing of training steps; Config lets another implementation build the same shapes.</summary>
public sealed record TrainingBenchmarkResult(
    string Implementation,
    VlmConfig Config,
    long Parameters,
    int BatchSize,
    int SequenceLength,
    int Threads,
    int Steps,
    double SecondsPerStep,
    double StepsPerSecond,
    double TokensPerSecond);

public static class TrainingBenchmark
{
    public static TrainingBenchmarkResult Run(TrainingBenchmarkOptions options)
    {
        if (options.Steps <= 0 || options.BatchSize <= 0 || options.TextTokens <= 0 || options.WarmupSteps < 0 || options.Threads <= 0)
            throw new ModelException("benchmark steps, batch size, text tokens and threads must be positive");
        var config = VlmConfig.Preset(options.Preset);
        var device = TorchRuntime.ResolveDevice(options.Device);
        torch.set_num_threads(options.Threads);
        using var model = new SpatialVlmModel(config, options.Device, options.Seed);
        model.train();
        using var optimizer = torch.optim.AdamW(model.parameters(), lr: 1e-4, weight_decay: 0.01);
        var length = config.ImageTokenCount + options.TextTokens;
        if (length > config.Text.MaxPositions) throw new ModelException($"{length} tokens exceed model '{config.Name}''s {config.Text.MaxPositions} positions");
        using var generator = new torch.Generator((ulong)options.Seed, torch.CPU);
        // Every sequence: the image placeholders, then random bytes; the loss covers the text part.
        using var text = torch.randint(0, 256, [options.BatchSize, options.TextTokens], generator: generator);
        using var images = torch.full([options.BatchSize, config.ImageTokenCount], config.ImageTokenId, dtype: int64);
        using var ids = torch.cat([images, text], dim: 1).to(device);                                        // [B,T]
        using var targets = torch.cat([torch.full([options.BatchSize, config.ImageTokenCount - 1], VlmTokenizer.IgnoredLabel, dtype: int64), text,
            torch.full([options.BatchSize, 1], VlmTokenizer.IgnoredLabel, dtype: int64)], dim: 1).to(device); // [B,T]
        using var pixels = (torch.rand([options.BatchSize, 3, config.Vision.ImageSize, config.Vision.ImageSize], generator: generator) * 2 - 1).to(device);
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.Forward(ids, pixels);                                                          // [B,T,V]
            var loss = F.cross_entropy(logits.view(-1, logits.shape[^1]), targets.view(-1), ignore_index: VlmTokenizer.IgnoredLabel);
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
        }
        for (var i = 0; i < options.WarmupSteps; i++) Step();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.Steps; i++) Step();
        clock.Stop();
        var secondsPerStep = clock.Elapsed.TotalSeconds / options.Steps;
        return new TrainingBenchmarkResult("TorchSharp 0.107.0", config, model.ParameterCount(), options.BatchSize, length, options.Threads,
            options.Steps, secondsPerStep, 1 / secondsPerStep, options.BatchSize * length / secondsPerStep);
    }
}
