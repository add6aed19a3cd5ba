using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialVlm.Reasoning;

/// <summary>How a reasoning run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReasoningStatus>))]
public enum ReasoningStatus
{
    /// <summary>The planner gave a final answer.</summary>
    [JsonStringEnumMemberName("answered")] Answered,
    /// <summary>No answer: the planner failed, looped, broke the protocol, or ran out of rounds; <see cref="ReasoningTrace.Error"/> says which.</summary>
    [JsonStringEnumMemberName("no-answer")] NoAnswer,
}

/// <summary>What the coordinator noticed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DetectionKind>))]
public enum DetectionKind
{
    /// <summary>The same sub-question asked again.</summary>
    [JsonStringEnumMemberName("loop")] Loop,
    /// <summary>Answers that cannot all hold (A left of B and B left of A; a triangle inequality broken; one distance answered two ways).</summary>
    [JsonStringEnumMemberName("contradiction")] Contradiction,
    /// <summary>The planner's reply did not follow the protocol.</summary>
    [JsonStringEnumMemberName("protocol")] Protocol,
    /// <summary>The planner answered without asking the spatial model anything.</summary>
    [JsonStringEnumMemberName("no-sub-question")] NoSubQuestion,
    /// <summary>The round cap was reached.</summary>
    [JsonStringEnumMemberName("round-cap")] RoundCap,
}

public sealed record TraceDetection(DetectionKind Kind, int Round, string Message);

/// <summary>One sub-question in a round: what was asked, what the spatial model said, how it was read and fed back.</summary>
public sealed record TraceSubQuestion
{
    public required string Question { get; init; }
    public string? ObjectA { get; init; }
    public int? ObjectAId { get; init; }
    public string? ObjectB { get; init; }
    public int? ObjectBId { get; init; }
    /// <summary>The question type sent to the spatial model (null: free text only).</summary>
    public string? Type { get; init; }
    /// <summary>The spatial model's raw answer (null when it failed).</summary>
    public string? Answer { get; init; }
    public double? ParsedMeters { get; init; }
    public bool? ParsedYes { get; init; }
    /// <summary>The text the planner was given back.</summary>
    public required string FedBack { get; init; }
    public bool CacheHit { get; init; }
    /// <summary>Asked before in this run (a loop).</summary>
    public bool Repeated { get; init; }
    public string? Error { get; init; }
}

/// <summary>One round: the planner's message and the sub-questions it asked, or the problem with its reply.</summary>
public sealed record TraceRound
{
    public required int Number { get; init; }
    public string? LlmMessage { get; init; }
    public IReadOnlyList<TraceSubQuestion> SubQuestions { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    public string? Problem { get; init; }
    public string? Final { get; init; }
    public double ElapsedMs { get; init; }
}

/// <summary>The whole run of one composite question: every round, every detection, and the end.</summary>
public sealed record ReasoningTrace
{
    public required string Image { get; init; }
    public required string Question { get; init; }
    public required string Planner { get; init; }
    public required string SpatialModel { get; init; }
    public required IReadOnlyList<TraceRound> Rounds { get; init; }
    public required IReadOnlyList<TraceDetection> Detections { get; init; }
    public required ReasoningStatus Status { get; init; }
    /// <summary>The final answer, or "no answer: REASON".</summary>
    public required string FinalAnswer { get; init; }
    public string? Error { get; init; }
    public int SpatialCalls { get; init; }
    public int CacheHits { get; init; }
    public double ElapsedMs { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);
    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonLine);
    public static ReasoningTrace FromJson(string json) =>
        JsonSerializer.Deserialize<ReasoningTrace>(json, Json) ?? throw new JsonException("not a trace");

    /// <summary>The trace as a person reads it.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"question: {Question}");
        sb.AppendLine($"image: {Image}");
        sb.AppendLine($"planner: {Planner}; spatial model: {SpatialModel}");
        foreach (var round in Rounds)
        {
            sb.AppendLine($"round {round.Number} ({round.ElapsedMs.ToString("0", CultureInfo.InvariantCulture)} ms)");
            if (round.LlmMessage is { Length: > 0 } m) sb.AppendLine($"  llm: {OneLine(m)}");
            foreach (var q in round.SubQuestions)
            {
                var tags = string.Join(", ", new[] { q.Type, q.CacheHit ? "cached" : null, q.Repeated ? "repeated" : null }.Where(t => t != null));
                sb.AppendLine($"  ask: {q.Question}{(tags.Length > 0 ? $" [{tags}]" : "")}");
                sb.AppendLine(q.Error != null ? $"    error: {q.Error}" : $"    spatial model: {OneLine(q.Answer ?? "")} -> {q.FedBack}");
            }
            foreach (var note in round.Notes) sb.AppendLine($"  note: {note}");
            if (round.Problem != null) sb.AppendLine($"  problem: {round.Problem}");
            if (round.Final != null) sb.AppendLine($"  final: {OneLine(round.Final)}");
        }
        foreach (var d in Detections) sb.AppendLine($"detected {d.Kind.ToString().ToLowerInvariant()} (round {d.Round}): {d.Message}");
        sb.AppendLine($"spatial calls: {SpatialCalls}, cache hits: {CacheHits}, {ElapsedMs.ToString("0", CultureInfo.InvariantCulture)} ms");
        sb.AppendLine($"answer: {FinalAnswer}");
        return sb.ToString();
    }

    private static string OneLine(string s) => string.Join(" ⏎ ", s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
}
