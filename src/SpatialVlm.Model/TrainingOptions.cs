namespace SpatialVlm.Model;

/// <summary>How a training run goes. Stored in every checkpoint, so a resumed run continues with the same options.</summary>
public sealed record TrainingOptions
{
    /// <summary>OUT: checkpoints go to OUT/checkpoints/step-N, the pointer to the newest to OUT/latest, the log to OUT/train-log.jsonl, the curve to OUT/loss.png.</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>Optimizer steps of the whole run (the learning-rate schedule spans them).</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Examples per micro-batch.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Micro-batches whose gradients are summed before one optimizer step.</summary>
    public int GradientAccumulation { get; init; } = 1;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>AdamW decoupled weight decay on matrices (not on biases and norm scales). TorchSharp's default is 0; PyTorch's 0.01.</summary>
    public double WeightDecay { get; init; } = 0.01;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.95;
    /// <summary>Linear warmup steps, then cosine decay to MinLearningRateRatio × LearningRate at the last step.</summary>
    public int WarmupSteps { get; init; } = 50;
    public double MinLearningRateRatio { get; init; } = 0.1;
    /// <summary>Global gradient-norm clip (0 = none).</summary>
    public double GradientClip { get; init; } = 1.0;
    /// <summary>Keep the vision encoder fixed (the connector and decoder still train).</summary>
    public bool FreezeVision { get; init; }
    /// <summary>Target share of TOKENS from spatial examples when a general stream is given (the paper: 5 %).</summary>
    public double SpatialTokenShare { get; init; } = 0.05;
    /// <summary>σ of the Gaussian relative noise on lengths in spatial answers (0 = none).</summary>
    public double AnswerNoiseSigma { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>Torch intra-op threads (bit-identical results need the same count).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Write a checkpoint every this many steps (and always at the end); 0 = only at the end.</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Keep this many newest step-N checkpoints (0 = all).</summary>
    public int KeepCheckpoints { get; init; } = 3;
    public string Device { get; init; } = "cpu";
    /// <summary>The checkpoint whose weights this run started from (a second phase), or null for a fresh initialisation.</summary>
    public string? InitializedFrom { get; init; }

    public TrainingOptions Validated()
    {
        void Require(bool ok, string why) { if (!ok) throw new ModelException($"training options: {why}"); }
        Require(!string.IsNullOrWhiteSpace(OutputDirectory), "an output directory is required");
        Require(Steps > 0, "steps must be positive");
        Require(BatchSize > 0, "batch size must be positive");
        Require(GradientAccumulation > 0, "gradient accumulation must be positive");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning rate must be positive");
        Require(WeightDecay >= 0, "weight decay must not be negative");
        Require(WarmupSteps >= 0, "warmup steps must not be negative");
        Require(MinLearningRateRatio is >= 0 and <= 1, "the minimum learning-rate ratio must lie in [0, 1]");
        Require(GradientClip >= 0, "gradient clip must not be negative");
        Require(SpatialTokenShare is >= 0 and <= 1, "the spatial token share must lie in [0, 1]");
        Require(AnswerNoiseSigma >= 0, "answer noise σ must not be negative");
        Require(Threads > 0, "threads must be positive");
        Require(CheckpointEvery >= 0 && KeepCheckpoints >= 0, "checkpoint counts must not be negative");
        return this;
    }

    /// <summary>Learning-rate multiplier for optimizer step index s (0-based): linear warmup, then cosine to the minimum ratio.</summary>
    public double LearningRateFactor(int s)
    {
        if (s < WarmupSteps) return (s + 1.0) / WarmupSteps;
        var progress = Math.Min(1.0, (double)(s - WarmupSteps) / Math.Max(1, Steps - WarmupSteps - 1));
        return MinLearningRateRatio + (1 - MinLearningRateRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
