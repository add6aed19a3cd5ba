using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialVlm.Rewards;

/// <summary>
/// One frame of a reward curve. <see cref="Distance"/> is the mean of the parsed samples (meters) and
/// <see cref="Spread"/> their standard deviation (0 for one sample); both are null when the frame has no distance
/// (<see cref="Failure"/> says why), and so are the reward, the smoothed values and the progress: a gap in the curve.
/// </summary>
public sealed record RewardFrame(
    int Index,
    string Image,
    double? Distance,
    double? Spread,
    IReadOnlyList<double> Samples,
    IReadOnlyList<string> Answers,
    string? Failure,
    double? SmoothedDistance,
    double? Reward,
    double? SmoothedReward,
    double? Progress);

/// <summary>A frame without a distance, and why (the description matched nothing, the answer held no length, ...).</summary>
public sealed record RewardFailure(int Index, string Image, string Reason);

/// <summary>Whether the sequence was taken as one fixed camera or a moving one, why, and what the model did with it.</summary>
/// <param name="Mode">fixed or moving</param>
/// <param name="Reason">why this mode: the flag, or the frames' sizes and cameras</param>
/// <param name="Frame">the model's own account of its canonical frame (one shared, or one per image), or that it reads pixels only</param>
public sealed record RewardCamera(string Mode, string Reason, string Frame);

/// <summary>How the curve was smoothed: the flag's value and the method in words.</summary>
public sealed record RewardSmoothing(string Name, string Method);

/// <summary>The whole reward annotation of one sequence: rewards.json. Deterministic for a deterministic model (no timings).</summary>
public sealed record RewardRun(
    int Schema,
    string Model,
    string Source,
    string SourceKind,
    string A,
    string B,
    string Question,
    int SamplesPerFrame,
    RewardCamera Camera,
    RewardSmoothing Smoothing,
    string RewardDefinition,
    string ProgressDefinition,
    int Answered,
    IReadOnlyList<RewardFailure> Failures,
    IReadOnlyList<RewardFrame> Frames)
{
    public const int CurrentSchema = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RewardRun FromJson(string json) =>
        JsonSerializer.Deserialize<RewardRun>(json, Json) ?? throw new JsonException("rewards.json is null");
}
