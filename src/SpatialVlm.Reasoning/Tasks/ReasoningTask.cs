using System.Text.Json;
using System.Text.Json.Serialization;
using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>The compositional task families (issue 14), each with an exact answer from ground-truth boxes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskFamily>))]
public enum TaskFamily
{
    /// <summary>Do three objects' centres form an isosceles triangle: two sides equal within a relative tolerance.</summary>
    [JsonStringEnumMemberName("isosceles")] Isosceles,
    /// <summary>Which candidate's centre is nearest the reference's centre.</summary>
    [JsonStringEnumMemberName("closest")] Closest,
    /// <summary>Which candidate's centre is farthest from the reference's centre.</summary>
    [JsonStringEnumMemberName("farthest")] Farthest,
    /// <summary>Does an object of a given width fit between two objects: their surface gap at least that width.</summary>
    [JsonStringEnumMemberName("fits")] Fits,
    /// <summary>Candidates ordered by centre distance to the reference, nearest first.</summary>
    [JsonStringEnumMemberName("order")] Order,
    /// <summary>How many candidates have their centre within a radius of the reference's centre.</summary>
    [JsonStringEnumMemberName("count-within")] CountWithin,
    /// <summary>Is an object's centre within an arm's length of another's centre.</summary>
    [JsonStringEnumMemberName("reachable")] Reachable,
}

/// <summary>What an object does in a task.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskObjectRole>))]
public enum TaskObjectRole
{
    /// <summary>A corner of the triangle (isosceles), or one side of the gap (fits), or the object reached from (reachable).</summary>
    [JsonStringEnumMemberName("subject")] Subject,
    /// <summary>The object distances are measured to (closest, farthest, order, count-within).</summary>
    [JsonStringEnumMemberName("reference")] Reference,
    /// <summary>One of the objects chosen among, ordered or counted; or the object to reach (reachable).</summary>
    [JsonStringEnumMemberName("candidate")] Candidate,
}

/// <summary>An object a task names: its id in the scene, the phrase the question uses (no article), and its role.</summary>
public sealed record TaskObject(int Id, string Caption, TaskObjectRole Role);

/// <summary>The exact answer: one of the fields is set, by family; <see cref="Text"/> is how a person would say it.</summary>
public sealed record TaskAnswer
{
    /// <summary>isosceles, fits, reachable.</summary>
    public bool? Yes { get; init; }
    /// <summary>closest, farthest: the chosen object's id.</summary>
    public int? ObjectId { get; init; }
    /// <summary>order: object ids, nearest first.</summary>
    public IReadOnlyList<int>? Order { get; init; }
    /// <summary>count-within.</summary>
    public int? Count { get; init; }
    public required string Text { get; init; }
}

/// <summary>The task's numbers (meters, or a share for the isosceles tolerance); only those of its family are set.</summary>
public sealed record TaskParameters
{
    /// <summary>isosceles: two sides count as equal when they differ by at most this share of the longer one.</summary>
    public double? Tolerance { get; init; }
    /// <summary>fits: the width of the object that should fit.</summary>
    public double? WidthM { get; init; }
    /// <summary>count-within: the radius.</summary>
    public double? RadiusM { get; init; }
    /// <summary>reachable: the arm's length.</summary>
    public double? ArmLengthM { get; init; }
}

/// <summary>An exact quantity behind the answer (for the record and for debugging a wrong answer).</summary>
/// <param name="Quantity">A quantitative question type id: <c>distance</c> (centres) or <c>gap</c> (surfaces).</param>
public sealed record TaskMeasurement(int A, int B, string Quantity, double Meters);

/// <summary>One line of a task benchmark (.jsonl): a composite question about one image with its exact answer.</summary>
public sealed record ReasoningTask
{
    public required string Id { get; init; }
    /// <summary>The image, relative to the task file's folder (or absolute).</summary>
    public required string Image { get; init; }
    public required TaskFamily Family { get; init; }
    public required string Question { get; init; }
    public required IReadOnlyList<TaskObject> Objects { get; init; }
    public required TaskAnswer Answer { get; init; }
    public required TaskParameters Parameters { get; init; }
    public IReadOnlyList<TaskMeasurement> Exact { get; init; } = [];

    public IEnumerable<TaskObject> InRole(TaskObjectRole role) => Objects.Where(o => o.Role == role);
    [JsonIgnore] public TaskObject Reference => InRole(TaskObjectRole.Reference).Single();
    [JsonIgnore] public IReadOnlyList<TaskObject> Candidates => InRole(TaskObjectRole.Candidate).ToList();
    [JsonIgnore] public IReadOnlyList<TaskObject> Subjects => InRole(TaskObjectRole.Subject).ToList();
}

/// <summary>Reads and writes task lines (snake_case JSON) and tells a task file from an ordinary benchmark by its fields.</summary>
public static class TaskFile
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
    };

    public static string ToJsonLine(ReasoningTask task) => JsonSerializer.Serialize(task, Json);

    /// <summary>True when the file's first line is a task (it has a <c>family</c> field), not a benchmark question.</summary>
    public static bool IsTaskFile(string path)
    {
        if (!File.Exists(path)) return false;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("family", out _);
            }
            catch (JsonException) { return false; }
        }
        return false;
    }

    /// <summary>Every task of the file; a malformed line is a one-line error naming the line.</summary>
    public static IReadOnlyList<ReasoningTask> Read(string path)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such task file");
        var tasks = new List<ReasoningTask>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            ReasoningTask? task;
            try { task = JsonSerializer.Deserialize<ReasoningTask>(line, Json); }
            catch (JsonException e) { throw new SpatialVlmException($"{path} line {number}: not a task ({e.Message.Split('\n')[0]})"); }
            if (task is null) throw new SpatialVlmException($"{path} line {number}: not a task");
            if (!ids.Add(task.Id)) throw new SpatialVlmException($"{path} line {number}: duplicate id '{task.Id}'");
            TaskQuestionText.CheckShape(task, $"{path} line {number}");
            tasks.Add(task);
        }
        if (tasks.Count == 0) throw new SpatialVlmException($"{path}: no tasks");
        return tasks;
    }
}
