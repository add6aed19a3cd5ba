using SpatialVlm.Core.Training;
using TorchSharp;

namespace SpatialVlm.Model.Tests;

public sealed class TrainingTests : IDisposable
{
    private readonly TempFolders temp = new();

    public void Dispose() => temp.Dispose();

    private static TrainingOptions Options(string output, int steps) => new()
    {
        OutputDirectory = output,
        Steps = steps,
        BatchSize = 3,
        GradientAccumulation = 2,
        LearningRate = 3e-3,
        WarmupSteps = 2,
        WeightDecay = 0.05,
        AnswerNoiseSigma = 0.1,
        SpatialTokenShare = 0.5,
        Seed = 42,
        Threads = 1,
        CheckpointEvery = 2,
    };

    private static (List<TrainingExample> Spatial, List<TrainingExample> General) Streams()
    {
        var all = TestModels.QaPairs();
        return ([.. all.Where(e => e.Kind == ExampleKind.Spatial)], [.. all.Where(e => e.Kind == ExampleKind.General)]);
    }

    [Fact]
    public void Resuming_from_latest_gives_bitwise_the_same_losses_as_an_uninterrupted_run()
    {
        var (spatial, general) = Streams();
        var straightDir = temp.New();
        IReadOnlyList<double> straight;
        using (var trainer = Trainer.Create(TestModels.Tiny, Options(straightDir, 6)))
            straight = trainer.Train(spatial, general).Losses;
        Assert.Equal(6, straight.Count);

        var splitDir = temp.New();
        IReadOnlyList<double> firstHalf, secondHalf;
        using (var trainer = Trainer.Create(TestModels.Tiny, Options(splitDir, 6)))
            firstHalf = trainer.Train(spatial, general, stopAfterStep: 3).Losses;
        // Fresh objects throughout, as a new process would have: the trainer, the model, the streams.
        var (spatialAgain, generalAgain) = Streams();
        using (var resumed = Trainer.Resume(splitDir))
        {
            Assert.Equal(3, resumed.Step);
            secondHalf = resumed.Train(spatialAgain, generalAgain).Losses;
        }
        Assert.Equal(straight, [.. firstHalf, .. secondHalf]);
        Assert.True(straight[^1] < straight[0], "the loss should fall over six steps");
        // The log of the resumed run holds each step once.
        var logSteps = File.ReadAllLines(Path.Combine(splitDir, Trainer.LogFile)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32());
        Assert.Equal(Enumerable.Range(1, 6), logSteps);
        using (var curve = SkiaSharp.SKBitmap.Decode(Path.Combine(splitDir, Trainer.LossCurveFile)))
            Assert.Equal((800, 450), (curve.Width, curve.Height));
        Assert.Equal("checkpoints/step-6", File.ReadAllText(Path.Combine(splitDir, "latest")).Trim());
        // The logged learning rates follow warmup then cosine, across the resume as well.
        var options = Options(splitDir, 6);
        var rates = File.ReadAllLines(Path.Combine(splitDir, Trainer.LogFile)).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("lr").GetDouble()).ToArray();
        for (var s = 0; s < 6; s++) Assert.Equal(options.LearningRate * options.LearningRateFactor(s), rates[s], 9);
        Assert.Equal(options.LearningRate / 2, rates[0], 9);
        Assert.Equal(options.LearningRate * options.MinLearningRateRatio, rates[5], 9);
    }

    private sealed class CancelAfter(int step, CancellationTokenSource source) : ITrainingProgress
    {
        public List<TrainingStepReport> Steps { get; } = [];
        public List<int> Checkpoints { get; } = [];
        public void StepCompleted(TrainingStepReport report)
        {
            Steps.Add(report);
            if (report.Step == step) source.Cancel();
        }
        public void CheckpointWritten(int step, string directory) => Checkpoints.Add(step);
    }

    [Fact]
    public void Cancelling_finishes_the_step_writes_a_checkpoint_and_reports_progress()
    {
        var (spatial, general) = Streams();
        var dir = temp.New();
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelAfter(3, cancellation);
        using (var trainer = Trainer.Create(TestModels.Tiny, Options(dir, 10) with { CheckpointEvery = 2 }))
        {
            var result = trainer.Train(spatial, general, progress, cancellation: cancellation.Token);
            Assert.True(result.Cancelled);
            Assert.Equal(3, result.LastStep);
        }
        Assert.Equal([1, 2, 3], progress.Steps.Select(s => s.Step));
        Assert.All(progress.Steps, s => Assert.True(s.TokensPerSecond > 0 && double.IsFinite(s.Loss) && s.TotalSteps == 10));
        Assert.Equal([2, 3], progress.Checkpoints);
        Assert.Throws<ModelException>(() => Trainer.Create(TestModels.Tiny, Options(dir, 10)));
        using (var resumed = Trainer.Resume(dir))
            Assert.Equal(3, resumed.Step);
        // An older step folder resumes too, and the run continues in its run folder.
        using var fromStep2 = Trainer.Resume(Path.Combine(dir, "checkpoints", "step-2"));
        Assert.Equal(2, fromStep2.Step);
        Assert.Equal(Path.GetFullPath(dir), fromStep2.Options.OutputDirectory);
    }

    [Fact]
    public void Examples_longer_than_the_context_are_skipped_and_counted()
    {
        var pairs = TestModels.QaPairs().ToList();
        var tooLong = pairs[0] with { Id = "too-long", Question = new string('?', 120) };
        var dir = temp.New();
        using (var trainer = Trainer.Create(TestModels.Tiny, new TrainingOptions { OutputDirectory = dir, Steps = 2, BatchSize = 4, WarmupSteps = 0, CheckpointEvery = 0 }))
        {
            var result = trainer.Train([tooLong, .. pairs]);
            Assert.Equal(2, result.Losses.Count);
            // 8 fitting examples from a stream of 7 that starts with the long one: it comes up on both passes.
            Assert.Equal(2, trainer.SkippedTooLong);
        }
        using (var resumed = Trainer.Resume(dir))
            Assert.Equal(2, resumed.SkippedTooLong);
        using var onlyLong = Trainer.Create(TestModels.Tiny, new TrainingOptions { OutputDirectory = temp.New(), Steps = 1, BatchSize = 1 });
        Assert.Contains("exceed", Assert.Throws<ModelException>(() => onlyLong.Train([tooLong])).Message);
    }

    [Fact]
    public void Accumulating_two_half_batches_matches_one_whole_batch()
    {
        var pairs = TestModels.QaPairs();
        IReadOnlyList<double> Run(int batch, int accumulation)
        {
            var options = new TrainingOptions
            {
                OutputDirectory = temp.New(), Steps = 3, BatchSize = batch, GradientAccumulation = accumulation,
                WarmupSteps = 0, LearningRate = 3e-3, Seed = 8, CheckpointEvery = 0,
            };
            using var trainer = Trainer.Create(TestModels.Tiny, options);
            return trainer.Train(pairs).Losses;
        }
        var whole = Run(6, 1);
        var halves = Run(3, 2);
        // Same examples in the same order; the loss is the mean over all answer tokens of the step either way.
        for (var i = 0; i < whole.Count; i++) Assert.True(Math.Abs(whole[i] - halves[i]) < 1e-4, $"step {i + 1}: {whole[i]} vs {halves[i]}");
        Assert.True(whole[2] < whole[0]);
    }

    [Fact]
    public void Frozen_vision_parameters_stay_put_while_text_parameters_move()
    {
        var (spatial, general) = Streams();
        using var trainer = Trainer.Create(TestModels.Tiny, Options(temp.New(), 1) with { FreezeVision = true, WarmupSteps = 0 });
        var before = trainer.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        trainer.Train(spatial, general);
        foreach (var (name, parameter) in trainer.Model.named_parameters())
        {
            var difference = (parameter - before[name]).abs().max().item<float>();
            if (name.StartsWith("model.vision_model.", StringComparison.Ordinal)) Assert.True(difference == 0, $"{name} moved by {difference}");
            else if (name.EndsWith(".weight", StringComparison.Ordinal) && name.Contains("proj")) Assert.True(difference > 0, $"{name} did not move");
        }
    }

    [Fact]
    public void A_tiny_model_overfits_a_handful_of_question_answer_pairs_exactly()
    {
        var pairs = TestModels.QaPairs();
        var options = new TrainingOptions
        {
            OutputDirectory = temp.New(),
            Steps = 150,
            BatchSize = pairs.Count,
            LearningRate = 1e-2,
            WarmupSteps = 10,
            WeightDecay = 0.0,
            MinLearningRateRatio = 0.1,
            SpatialTokenShare = 1.0,
            Seed = 5,
            CheckpointEvery = 0,
        };
        using var trainer = Trainer.Create(TestModels.Tiny, options);
        var result = trainer.Train(pairs);
        Assert.True(result.Losses[^1] < 0.05, $"final loss {result.Losses[^1]}");
        using var generator = Generator.Load(options.OutputDirectory);
        foreach (var pair in pairs)
            Assert.Equal(pair.Answer, generator.Answer(pair.Image, pair.Question));
    }

    [Fact]
    public void Save_then_load_gives_identical_logits()
    {
        using var model = new SpatialVlmModel(TestModels.Tiny, initSeed: 3);
        var dir = Path.Combine(temp.New(), "saved");
        Checkpoint.SaveModel(model, dir);
        var (loaded, tokenizer, manifest) = Checkpoint.LoadModel(dir);
        Assert.Same(ByteTokenizer.Instance, tokenizer);
        using var _ = loaded;
        Assert.Equal(TestModels.Tiny, manifest.Config);
        using var noGrad = torch.no_grad();
        var example = TestModels.QaPairs()[2];
        using var pixels = ImagePreprocessor.ToPixelValues([example.Image], TestModels.Tiny.Vision.ImageSize);
        var prompt = ByteTokenizer.Instance.EncodePrompt(example.Question, TestModels.Tiny.ImageTokenCount).Select(i => (long)i).ToArray();
        using var ids = torch.tensor(prompt, [1, prompt.Length]);
        using var original = model.Forward(ids, pixels);
        using var reloaded = loaded.Forward(ids, pixels);
        Assert.Equal(original.data<float>().ToArray(), reloaded.data<float>().ToArray());
    }

    [Fact]
    public void A_second_phase_starts_from_the_first_phases_weights_and_a_frozen_encoder_stays_put()
    {
        var (spatial, general) = Streams();
        var phase1 = temp.New();
        using (var trainer = Trainer.Create(TestModels.Tiny, Options(phase1, 3)))
            trainer.Train(spatial, general);
        var (first, _, _) = Checkpoint.LoadModel(phase1);
        var phase1Weights = first.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        first.Dispose();

        var phase2 = temp.New();
        using var second = Trainer.CreateFrom(phase1, Options(phase2, 3) with { FreezeVision = true });
        Assert.Equal(0, second.Step);
        Assert.Equal(TestModels.Tiny, second.Config);
        Assert.Contains("step 3", second.Options.InitializedFrom);
        // Before any step the weights are the first phase's, exactly.
        foreach (var (name, p) in second.Model.named_parameters())
            Assert.Equal(phase1Weights[name], p.data<float>().ToArray());
        var losses = second.Train(spatial, general).Losses;
        Assert.Equal(3, losses.Count);
        var vision = second.Model.VisionParameters().Select(p => p.Name).ToHashSet();
        Assert.NotEmpty(vision);
        var textChecked = 0;
        foreach (var (name, p) in second.Model.named_parameters())
        {
            var now = p.data<float>().ToArray();
            if (vision.Contains(name)) Assert.Equal(phase1Weights[name], now);
            else if (name.EndsWith("weight", StringComparison.Ordinal) && name.Contains("layers.0.self_attn.q_proj", StringComparison.Ordinal))
            {
                Assert.NotEqual(phase1Weights[name], now);
                textChecked++;
            }
        }
        Assert.Equal(1, textChecked);
        // The checkpoint says where it came from.
        Assert.Contains("step 3", Checkpoint.ReadManifest(phase2).Training!.InitializedFrom);
        Assert.Throws<ModelException>(() => Trainer.CreateFrom(phase1, Options(phase2, 3)));   // phase2 already holds a run
    }
}
