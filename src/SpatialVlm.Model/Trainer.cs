using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace SpatialVlm.Model;

/// <summary>One optimizer step as the progress callback and the JSONL log see it.</summary>
public sealed record TrainingStepReport(
    int Step,
    int TotalSteps,
    double Loss,
    double LearningRate,
    double GradientNorm,
    double TokensPerSecond,
    double SpatialTokenShare,
    long SkippedTooLong,
    TimeSpan StepTime);

/// <summary>Receives progress; the CLI renders it. Called on the training thread.</summary>
public interface ITrainingProgress
{
    void StepCompleted(TrainingStepReport report);
    void CheckpointWritten(int step, string directory);
}

/// <summary>What a Train call did.</summary>
public sealed record TrainingResult(int FirstStep, int LastStep, IReadOnlyList<double> Losses, string? LastCheckpoint, bool Cancelled);

/// <summary>
/// Trains a SpatialVlmModel: AdamW (decoupled weight decay on matrices), LambdaLR warmup + cosine, gradient clipping and
/// accumulation, fp32, right-padded batches (causal attention makes padding after a sequence harmless; padded positions
/// carry no loss), loss only on answer tokens. Deterministic for a seed on CPU, and resumable exactly from OUT/latest.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string LogFile = "train-log.jsonl";
    public const string LossCurveFile = "loss.png";
    private const string CheckpointsFolder = "checkpoints";

    /// <summary>The model being trained; owned (and disposed) by the trainer.</summary>
    public SpatialVlmModel Model { get; }
    public VlmConfig Config => Model.Config;
    public TrainingOptions Options { get; }
    public VlmTokenizer Tokenizer { get; }
    /// <summary>Optimizer steps completed so far.</summary>
    public int Step { get; private set; }

    private readonly Device device;
    private readonly AdamW optimizer;
    private readonly torch.optim.lr_scheduler.LRScheduler scheduler;
    private readonly Parameter[] trainable;
    private readonly SeededRandom answerNoiseRandom;
    private MixtureSamplerState? samplerState;
    private double? lastLoss;

    private Trainer(SpatialVlmModel model, VlmTokenizer tokenizer, TrainingOptions options, CheckpointManifest? resumeFrom, string? resumeDirectory)
    {
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        device = TorchRuntime.ResolveDevice(options.Device);
        if (options.FreezeVision)
            foreach (var (_, p) in model.VisionParameters()) p.requires_grad = false;
        trainable = [.. model.parameters().Where(p => p.requires_grad)];
        // Decoupled weight decay on matrices only; biases and norm scales are not decayed.
        var groups = new[]
        {
            new AdamW.ParamGroup(trainable.Where(p => p.dim() >= 2), options.LearningRate, options.Beta1, options.Beta2, 1e-8, options.WeightDecay, false, false),
            new AdamW.ParamGroup(trainable.Where(p => p.dim() < 2), options.LearningRate, options.Beta1, options.Beta2, 1e-8, 0.0, false, false),
        };
        optimizer = torch.optim.AdamW(groups, options.LearningRate, options.Beta1, options.Beta2, 1e-8, options.WeightDecay);
        answerNoiseRandom = new SeededRandom(resumeFrom?.AnswerNoiseRandomState ?? (ulong)options.Seed ^ 0xA5A5_5A5A_C3C3_3C3CUL);
        if (resumeFrom is not null)
        {
            try
            {
                using var reader = new BinaryReader(File.OpenRead(Path.Combine(resumeDirectory!, Checkpoint.OptimizerFile)));
                optimizer.load_state_dict(reader);
            }
            catch (Exception e) when (e is not SpatialVlmException)
            {
                throw new CheckpointException($"cannot load the optimizer state of {resumeDirectory}: {e.Message.Split('\n')[0]}", e);
            }
            // The loaded groups carry the decayed rate; the schedule below recomputes it from the base rate and the step.
            foreach (var group in optimizer.ParamGroups) { group.InitialLearningRate = options.LearningRate; group.LearningRate = options.LearningRate; }
            Checkpoint.RestoreTorchRandomState(File.ReadAllBytes(Path.Combine(resumeDirectory!, Checkpoint.TorchRandomStateFile)));
            Step = resumeFrom.Step;
            samplerState = resumeFrom.Sampler;
            lastLoss = resumeFrom.LastLoss;
            SkippedTooLong = resumeFrom.SkippedTooLong ?? 0;
        }
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, s => options.LearningRateFactor(s));
        for (var s = 0; s < Step; s++) scheduler.step();
    }

    /// <summary>
    /// A new run in options.OutputDirectory; fails if that folder already holds one (resume it instead). The tokenizer
    /// defaults to the byte tokenizer; another one needs config.ForTokenizer(tokenizer).
    /// </summary>
    public static Trainer Create(VlmConfig config, TrainingOptions options, VlmTokenizer? tokenizer = null)
    {
        options = options.Validated();
        tokenizer ??= ByteTokenizer.Instance;
        config.Validate();
        tokenizer.RequireFits(config);
        RequireNewRun(options);
        var model = new SpatialVlmModel(config, options.Device, options.Seed);
        return Start(model, tokenizer, options);
    }

    /// <summary>
    /// A new run whose weights start from a checkpoint (a run folder or step-N folder): the second phase of the paper's
    /// recipe, after a first phase on general data. Shape and tokenizer come from the checkpoint; the optimizer, schedule,
    /// sampler and step count start afresh.
    /// </summary>
    public static Trainer CreateFrom(string checkpointPath, TrainingOptions options)
    {
        options = options.Validated();
        RequireNewRun(options);
        var (model, tokenizer, manifest) = Checkpoint.LoadModel(checkpointPath, options.Device);
        return Start(model, tokenizer, options with { InitializedFrom = $"{Checkpoint.Resolve(checkpointPath)} (step {manifest.Step})" });
    }

    private static void RequireNewRun(TrainingOptions options)
    {
        if (HasCheckpoint(options.OutputDirectory))
            throw new ModelException($"{options.OutputDirectory} already holds a training run; resume it or choose another folder");
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
    }

    private static Trainer Start(SpatialVlmModel model, VlmTokenizer tokenizer, TrainingOptions options)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        File.Delete(Path.Combine(options.OutputDirectory, LogFile));
        return new Trainer(model, tokenizer, options, null, null);
    }

    /// <summary>
    /// Continues a run with the options stored in its checkpoint: from OUT/latest when given the run folder OUT, or from
    /// a given OUT/checkpoints/step-N folder. steps may lengthen the run (the schedule then spans the new total, so the
    /// continuation is no longer identical to an uninterrupted run).
    /// </summary>
    public static Trainer Resume(string path, int? steps = null)
    {
        var directory = Checkpoint.Resolve(path);
        // A step-N folder lives in OUT/checkpoints/; the run continues in OUT.
        var outputDirectory = HasCheckpoint(path) ? path : Path.GetDirectoryName(Path.GetDirectoryName(directory)!)!;
        var manifest = Checkpoint.ReadManifest(directory);
        if (manifest.Training is null || manifest.Sampler is null || !manifest.Files.ContainsKey(Checkpoint.OptimizerFile))
            throw new CheckpointException($"checkpoint {directory} holds a model only, not a training run to resume");
        var tokenizer = Checkpoint.TokenizerOf(manifest, directory);
        // The run keeps its folder even when it was moved; the stored path is only where it was written.
        var options = (manifest.Training with { OutputDirectory = Path.GetFullPath(outputDirectory) }) with { Steps = steps ?? manifest.Training.Steps };
        options = options.Validated();
        torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var model = new SpatialVlmModel(manifest.Config, options.Device);
        Checkpoint.LoadWeights(model, Path.Combine(directory, Checkpoint.ModelFile));
        TruncateLog(Path.Combine(options.OutputDirectory, LogFile), manifest.Step);
        return new Trainer(model, tokenizer, options, manifest, directory);
    }

    public static bool HasCheckpoint(string outputDirectory) => File.Exists(Path.Combine(outputDirectory, Checkpoint.LatestPointerFile));

    /// <summary>Tokens an example occupies: prompt with image placeholders, answer, &lt;eos&gt; (before answer noise).</summary>
    public int TokenCount(TrainingExample example) =>
        3 + Config.ImageTokenCount + Tokenizer.EncodeText(example.Question).Length + Tokenizer.EncodeText(example.Answer).Length + 1;

    /// <summary>
    /// Trains until options.Steps (or stopAfterStep) and writes a checkpoint at the end. The example streams must
    /// enumerate in the same order every time (a resumed run re-enumerates them and skips what was used).
    /// Cancellation finishes the current step, writes a checkpoint and returns.
    /// </summary>
    public TrainingResult Train(IEnumerable<TrainingExample> spatialExamples, IEnumerable<TrainingExample>? generalExamples = null,
        ITrainingProgress? progress = null, int? stopAfterStep = null, CancellationToken cancellation = default)
    {
        var lastStep = Math.Min(Options.Steps, stopAfterStep ?? Options.Steps);
        var firstStep = Step;
        var losses = new List<double>();
        string? lastCheckpoint = null;
        var cancelled = false;
        using var sampler = new MixtureSampler(spatialExamples, generalExamples, Options.SpatialTokenShare, (ulong)Options.Seed,
            TokenCount, samplerState);
        torch.set_num_threads(Options.Threads);
        Model.train();
        var logPath = Path.Combine(Options.OutputDirectory, LogFile);
        while (Step < lastStep)
        {
            if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            var report = TrainStep(sampler);
            Step++;
            losses.Add(report.Loss);
            lastLoss = report.Loss;
            samplerState = sampler.State;
            File.AppendAllText(logPath, JsonSerializer.Serialize(new
            {
                step = report.Step,
                loss = report.Loss,
                lr = report.LearningRate,
                grad_norm = report.GradientNorm,
                tokens_per_s = report.TokensPerSecond,
                spatial_token_share = report.SpatialTokenShare,
                skipped_too_long = report.SkippedTooLong,
            }) + "\n");
            progress?.StepCompleted(report);
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0 && Step < lastStep)
            {
                lastCheckpoint = WriteCheckpoint();
                progress?.CheckpointWritten(Step, lastCheckpoint);
            }
        }
        samplerState = sampler.State;
        if (Step > firstStep || cancelled)
        {
            lastCheckpoint = WriteCheckpoint();
            progress?.CheckpointWritten(Step, lastCheckpoint);
        }
        return new TrainingResult(firstStep, Step, losses, lastCheckpoint, cancelled);
    }

    private TrainingStepReport TrainStep(MixtureSampler sampler)
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var microBatches = new List<Batch>();
        for (var m = 0; m < Options.GradientAccumulation; m++)
            microBatches.Add(Collate([.. Enumerable.Range(0, Options.BatchSize).Select(_ => DrawFitting(sampler))]));
        // The loss is the mean over every answer token of the whole step, however the step is split.
        var answerTokens = microBatches.Sum(b => b.AnswerTokens);
        var learningRate = optimizer.ParamGroups.First().LearningRate;
        optimizer.zero_grad();
        double loss = 0;
        foreach (var batch in microBatches)
        {
            var logits = Model.Forward(batch.InputIds, batch.PixelValues);                     // [B,T,V]
            var summed = F.cross_entropy(logits.view(-1, logits.shape[^1]), batch.Targets.view(-1),
                ignore_index: VlmTokenizer.IgnoredLabel, reduction: nn.Reduction.Sum);
            using var divisor = ((double)answerTokens).ToScalar();   // held, not a temporary the GC may finalize mid-call
            var part = summed.div(divisor);
            part.backward();
            loss += part.item<float>();
        }
        double gradientNorm;
        // TorchSharp's clip and AdamW pass temporary Scalars to native calls; a GC may finalize one mid-call ("Unknown
        // scalar type" at random steps), so no collection may run while they do.
        using (new NoCollection())
        {
            gradientNorm = Options.GradientClip > 0 ? nn.utils.clip_grad_norm_(trainable, Options.GradientClip) : double.NaN;
            optimizer.step();
        }
        scheduler.step();
        clock.Stop();
        var tokens = microBatches.Sum(b => b.Tokens);
        return new TrainingStepReport(Step + 1, Options.Steps, loss, learningRate, gradientNorm,
            tokens / Math.Max(1e-9, clock.Elapsed.TotalSeconds), sampler.SpatialTokenShareSoFar, SkippedTooLong, clock.Elapsed);
    }

    private sealed record Batch(Tensor InputIds, Tensor Targets, Tensor PixelValues, int AnswerTokens, int Tokens);
    private sealed record TokenizedExample(TrainingExample Example, int[] Prompt, int[] Answer);

    /// <summary>
    /// The next example that fits the model's positions, tokenized, with answer noise applied. Examples that do not fit
    /// are skipped and counted (SkippedTooLong) rather than ending a long run; a stream with nothing that fits is an error.
    /// </summary>
    private TokenizedExample DrawFitting(MixtureSampler sampler)
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var e = sampler.Next();
            var answer = e.Kind == ExampleKind.Spatial ? AnswerNoise.Perturb(e.Answer, Options.AnswerNoiseSigma, answerNoiseRandom) : e.Answer;
            var prompt = Tokenizer.EncodePrompt(e.Question, Config.ImageTokenCount);
            var answerIds = Tokenizer.EncodeAnswer(answer);
            if (prompt.Length + answerIds.Length <= Config.Text.MaxPositions) return new TokenizedExample(e, prompt, answerIds);
            SkippedTooLong++;
        }
        throw new ModelException($"10000 examples in a row exceed model '{Config.Name}''s {Config.Text.MaxPositions} positions");
    }

    /// <summary>Examples skipped so far because question and answer did not fit the model's positions.</summary>
    public long SkippedTooLong { get; private set; }

    /// <summary>Right-padded ids [B,T], next-token targets [B,T] (−100 outside answers), pixels [B,3,S,S].</summary>
    private Batch Collate(IReadOnlyList<TokenizedExample> examples)
    {
        var tokenizer = Tokenizer;
        var sequences = examples.Select(e => (e.Prompt, e.Answer)).ToList();
        var length = sequences.Max(s => s.Prompt.Length + s.Answer.Length);
        var ids = new long[examples.Count * length];
        var targets = new long[examples.Count * length];
        Array.Fill(ids, (long)tokenizer.PadId);
        Array.Fill(targets, VlmTokenizer.IgnoredLabel);
        int answerTokens = 0, tokens = 0;
        for (var b = 0; b < sequences.Count; b++)
        {
            var (prompt, answer) = sequences[b];
            var row = b * length;
            for (var i = 0; i < prompt.Length; i++) ids[row + i] = prompt[i];
            for (var i = 0; i < answer.Length; i++)
            {
                ids[row + prompt.Length + i] = answer[i];
                targets[row + prompt.Length + i - 1] = answer[i];   // position j predicts token j+1
            }
            answerTokens += answer.Length;
            tokens += prompt.Length + answer.Length;
        }
        return new Batch(
            tensor(ids, [examples.Count, length], device: device),
            tensor(targets, [examples.Count, length], device: device),
            ImagePreprocessor.ToPixelValues([.. examples.Select(e => e.Example.Image)], Config.Vision.ImageSize, device),
            answerTokens, tokens);
    }

    /// <summary>Writes OUT/checkpoints/step-N, points OUT/latest at it, prunes old ones, redraws the loss curve.</summary>
    public string WriteCheckpoint()
    {
        var directory = Path.Combine(Options.OutputDirectory, CheckpointsFolder, $"step-{Step}");
        var torchRandomState = Checkpoint.TorchRandomState();
        Checkpoint.WriteFolder(directory, new Dictionary<string, Action<Stream>>
        {
            [Checkpoint.ModelFile] = s => Model.save(s),
            [Checkpoint.OptimizerFile] = s => { using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true); optimizer.save_state_dict(w); },
            [Checkpoint.TorchRandomStateFile] = s => s.Write(torchRandomState),
        }, files => new CheckpointManifest(Checkpoint.FormatName, Config, Tokenizer.Describe(), Step, Options,
            samplerState ?? new MixtureSamplerState((ulong)Options.Seed, new(0, 0), new(0, 0), 0, 0, 0, 0),
            answerNoiseRandom.State, lastLoss, files, SkippedTooLong));
        AtomicFile.WriteAllText(Path.Combine(Options.OutputDirectory, Checkpoint.LatestPointerFile), $"{CheckpointsFolder}/step-{Step}\n");
        PruneCheckpoints();
        var logPath = Path.Combine(Options.OutputDirectory, LogFile);
        if (File.Exists(logPath)) LossCurve.Write(logPath, Path.Combine(Options.OutputDirectory, LossCurveFile));
        return directory;
    }

    private void PruneCheckpoints()
    {
        if (Options.KeepCheckpoints <= 0) return;
        var root = Path.Combine(Options.OutputDirectory, CheckpointsFolder);
        var old = Directory.GetDirectories(root, "step-*")
            .Select(d => (Path: d, Step: int.TryParse(Path.GetFileName(d)["step-".Length..], out var s) ? s : -1))
            .Where(d => d.Step >= 0 && d.Step != Step)
            .OrderByDescending(d => d.Step)
            .Skip(Options.KeepCheckpoints - 1);
        foreach (var (path, _) in old) Directory.Delete(path, recursive: true);
    }

    private static void TruncateLog(string logPath, int lastStep)
    {
        if (!File.Exists(logPath)) return;
        var kept = File.ReadAllLines(logPath).Where(line =>
        {
            try { return JsonDocument.Parse(line).RootElement.GetProperty("step").GetInt32() <= lastStep; }
            catch (JsonException) { return false; }
        });
        AtomicFile.WriteAllText(logPath, string.Concat(kept.Select(l => l + "\n")));
    }

    public void Dispose()
    {
        optimizer.Dispose();
        Model.Dispose();
    }
}
