using System.Globalization;
using System.Text.RegularExpressions;
using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>
/// A composite question in structured form: its family, the objects in their roles, and its numbers. The builtin
/// planner works from this; it comes from a task line (with object ids) or from parsing the question text (phrases only).
/// </summary>
public sealed record TaskQuery(TaskFamily Family, IReadOnlyList<ObjectReference> Subjects, ObjectReference? Reference,
    IReadOnlyList<ObjectReference> Candidates, TaskParameters Parameters)
{
    public static TaskQuery From(ReasoningTask task)
    {
        static ObjectReference Ref(TaskObject o) => new(o.Caption, o.Id);
        var reference = task.InRole(TaskObjectRole.Reference).Select(Ref).SingleOrDefault();
        return new TaskQuery(task.Family, task.Subjects.Select(Ref).ToList(), reference, task.Candidates.Select(Ref).ToList(), task.Parameters);
    }
}

/// <summary>The question text of each family: rendered by the task builder, parsed back by the builtin planner.</summary>
public static partial class TaskQuestionText
{
    public static string Meters(double meters) => string.Create(CultureInfo.InvariantCulture, $"{meters:0.##} m");

    public static string Render(TaskQuery q)
    {
        string The(ObjectReference o) => "the " + o.Phrase;
        string List(IReadOnlyList<ObjectReference> items) => items.Count == 1 ? The(items[0])
            : string.Join(", ", items.Take(items.Count - 1).Select(The)) + " and " + The(items[^1]);
        var p = q.Parameters;
        return q.Family switch
        {
            TaskFamily.Isosceles => $"Do {List(q.Subjects)} form an isosceles triangle (two sides equal within {Percent(p.Tolerance!.Value)})?",
            TaskFamily.Closest => $"Which of {List(q.Candidates)} is closest to {The(q.Reference!)}?",
            TaskFamily.Farthest => $"Which of {List(q.Candidates)} is farthest from {The(q.Reference!)}?",
            TaskFamily.Fits => $"Would an object {Meters(p.WidthM!.Value)} wide fit between {The(q.Subjects[0])} and {The(q.Subjects[1])}?",
            TaskFamily.Order => $"Order {List(q.Candidates)} by distance to {The(q.Reference!)}, nearest first.",
            TaskFamily.CountWithin => $"How many of {List(q.Candidates)} are within {Meters(p.RadiusM!.Value)} of {The(q.Reference!)}?",
            TaskFamily.Reachable => $"Is {The(q.Candidates[0])} within an arm's length ({Meters(p.ArmLengthM!.Value)}) of {The(q.Subjects[0])}?",
            _ => throw new ArgumentOutOfRangeException(nameof(q)),
        };
    }

    /// <summary>The structured query of a question in one of the families' wordings, or null.</summary>
    public static TaskQuery? TryParse(string question)
    {
        var text = string.Join(' ', question.Trim().Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Match m;
        if ((m = IsoscelesPattern().Match(text)).Success && ListOf(m.Groups["list"].Value) is { Count: 3 } corners)
            return new(TaskFamily.Isosceles, corners, null, [], new TaskParameters { Tolerance = Number(m.Groups["tol"].Value) / 100 });
        if ((m = ClosestPattern().Match(text)).Success && ListOf(m.Groups["list"].Value) is { Count: >= 2 } near)
            return new(m.Groups["dir"].Value.StartsWith("clos", StringComparison.OrdinalIgnoreCase) ? TaskFamily.Closest : TaskFamily.Farthest,
                [], Phrase(m.Groups["ref"].Value), near, new TaskParameters());
        if ((m = FitsPattern().Match(text)).Success)
            return new(TaskFamily.Fits, [Phrase(m.Groups["a"].Value), Phrase(m.Groups["b"].Value)], null, [],
                new TaskParameters { WidthM = Length(m.Groups["w"].Value) });
        if ((m = OrderPattern().Match(text)).Success && ListOf(m.Groups["list"].Value) is { Count: >= 2 } order)
            return new(TaskFamily.Order, [], Phrase(m.Groups["ref"].Value), order, new TaskParameters());
        if ((m = CountPattern().Match(text)).Success && ListOf(m.Groups["list"].Value) is { Count: >= 1 } counted)
            return new(TaskFamily.CountWithin, [], Phrase(m.Groups["ref"].Value), counted, new TaskParameters { RadiusM = Length(m.Groups["r"].Value) });
        if ((m = ReachPattern().Match(text)).Success)
            return new(TaskFamily.Reachable, [Phrase(m.Groups["a"].Value)], null, [Phrase(m.Groups["b"].Value)],
                new TaskParameters { ArmLengthM = Length(m.Groups["l"].Value) });
        return null;
    }

    /// <summary>The wordings the builtin planner understands, for its one-line refusal.</summary>
    public const string Wordings =
        "\"Do the A, the B and the C form an isosceles triangle (two sides equal within 10%)?\", " +
        "\"Which of the A, the B and the C is closest to (farthest from) the R?\", \"Would an object 0.5 m wide fit between the A and the B?\", " +
        "\"Order the A, the B and the C by distance to the R, nearest first.\", \"How many of the A, the B and the C are within 1.5 m of the R?\", " +
        "\"Is the B within an arm's length (0.8 m) of the A?\"";

    /// <summary>Checks that a task line has the objects and numbers its family needs; a one-line error otherwise.</summary>
    public static void CheckShape(ReasoningTask task, string where)
    {
        int subjects = task.Subjects.Count, references = task.InRole(TaskObjectRole.Reference).Count(), candidates = task.Candidates.Count;
        var p = task.Parameters;
        string? problem = task.Family switch
        {
            TaskFamily.Isosceles when subjects != 3 || p.Tolerance is null => "isosceles needs three subjects and a tolerance",
            TaskFamily.Fits when subjects != 2 || p.WidthM is null => "fits needs two subjects and width_m",
            TaskFamily.Reachable when subjects != 1 || candidates != 1 || p.ArmLengthM is null => "reachable needs a subject, a candidate and arm_length_m",
            TaskFamily.CountWithin when references != 1 || candidates < 1 || p.RadiusM is null => "count-within needs a reference, candidates and radius_m",
            TaskFamily.Closest or TaskFamily.Farthest or TaskFamily.Order when references != 1 || candidates < 2 => $"{task.Family} needs a reference and two or more candidates",
            _ => null,
        };
        var answerMissing = task.Family switch
        {
            TaskFamily.Isosceles or TaskFamily.Fits or TaskFamily.Reachable => task.Answer.Yes is null,
            TaskFamily.Closest or TaskFamily.Farthest => task.Answer.ObjectId is null,
            TaskFamily.Order => task.Answer.Order is null,
            _ => task.Answer.Count is null,
        };
        if (problem == null && answerMissing) problem = "the answer lacks the field its family needs";
        if (problem != null) throw new SpatialVlmException($"{where}: {problem}");
    }

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.#}%");

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double Length(string s) => LengthParser.ParseMeters(s) ?? throw new SpatialVlmException($"'{s}' is not a length");

    private static ObjectReference Phrase(string s) => new(CaptionText.WithoutLeadingArticle(s.Trim()));

    /// <summary>"the A, the B and the C" → [A, B, C].</summary>
    private static List<ObjectReference>? ListOf(string list)
    {
        var parts = ListSeparator().Split(list.Trim()).Select(p => p.Trim()).ToList();
        if (parts.Count == 0 || !parts[0].StartsWith("the ", StringComparison.OrdinalIgnoreCase)) return null;
        parts[0] = parts[0][4..];
        return parts.Any(p => p.Length == 0) ? null : parts.Select(p => new ObjectReference(CaptionText.WithoutLeadingArticle(p))).ToList();
    }

    [GeneratedRegex(@",\s+the\s+|\s+and\s+the\s+", RegexOptions.IgnoreCase)]
    private static partial Regex ListSeparator();
    [GeneratedRegex(@"^do (?<list>the .+) form an isosceles triangle \(two sides equal within (?<tol>[0-9.]+) ?%\)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoscelesPattern();
    [GeneratedRegex(@"^which of (?<list>the .+) is (?<dir>closest to|farthest from|furthest from) the (?<ref>.+?)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex ClosestPattern();
    [GeneratedRegex(@"^would an object (?<w>[0-9.]+ ?(m|cm|meters?|centimeters?)) wide fit between the (?<a>.+?) and the (?<b>.+?)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex FitsPattern();
    [GeneratedRegex(@"^order (?<list>the .+) by distance to the (?<ref>.+?), nearest first\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex OrderPattern();
    [GeneratedRegex(@"^how many of (?<list>the .+) are within (?<r>[0-9.]+ ?(m|cm|meters?|centimeters?)) of the (?<ref>.+?)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex CountPattern();
    [GeneratedRegex(@"^is the (?<b>.+?) within an arm's length \((?<l>[0-9.]+ ?(m|cm|meters?|centimeters?))\) of the (?<a>.+?)\??$", RegexOptions.IgnoreCase)]
    private static partial Regex ReachPattern();
}
