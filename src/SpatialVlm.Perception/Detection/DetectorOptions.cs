using SpatialVlm.Core;
using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Perception.Detectors;

/// <summary>Options shared by the open-vocabulary detectors.</summary>
public record DetectorOptions
{
    /// <summary>
    /// A detection is kept when its score (sigmoid of the logit) is above this (default 0.1, the OWL-ViT/OWLv2
    /// zero-shot default; <see cref="GroundingDinoOptions"/> defaults to 0.3).
    /// </summary>
    public float ScoreThreshold { get; init; } = 0.1f;
    /// <summary>Class-aware NMS: a box overlapping a better box of the same query by more than this IoU is dropped (default 0.3).</summary>
    public float NmsIouThreshold { get; init; } = 0.3f;
    /// <summary>At most this many detections per image are returned, best first (default 100).</summary>
    public int MaxDetections { get; init; } = 100;
    /// <summary>Images per inference call (default 2).</summary>
    public int MaxBatch { get; init; } = 2;
    public OnnxSessionOptions Session { get; init; } = new();

    /// <summary>Throws a one-line error when a value is out of range.</summary>
    public virtual void Validate()
    {
        if (!(ScoreThreshold >= 0 && ScoreThreshold < 1)) throw new SpatialVlmException($"detector score threshold must be in [0, 1), got {ScoreThreshold}");
        if (!(NmsIouThreshold > 0 && NmsIouThreshold <= 1)) throw new SpatialVlmException($"NMS IoU threshold must be in (0, 1], got {NmsIouThreshold}");
        if (MaxDetections < 1) throw new SpatialVlmException($"max detections must be at least 1, got {MaxDetections}");
        if (MaxBatch < 1) throw new SpatialVlmException($"detector batch size must be at least 1, got {MaxBatch}");
    }
}

/// <summary>Grounding DINO options: the box threshold (ScoreThreshold, default 0.3) and the text threshold.</summary>
public sealed record GroundingDinoOptions : DetectorOptions
{
    public GroundingDinoOptions() => ScoreThreshold = 0.3f;

    /// <summary>Builds Grounding DINO options from the shared ones (keeps their values, default text threshold).</summary>
    public GroundingDinoOptions(DetectorOptions shared) : base(shared) { }

    /// <summary>
    /// The label of a box is a phrase one of whose tokens has probability above this (default 0.25); a box whose best
    /// phrase stays below it is dropped.
    /// </summary>
    public float TextThreshold { get; init; } = 0.25f;

    public override void Validate()
    {
        base.Validate();
        if (!(TextThreshold >= 0 && TextThreshold < 1)) throw new SpatialVlmException($"text threshold must be in [0, 1), got {TextThreshold}");
    }
}
