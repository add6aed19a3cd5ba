using System.Globalization;
using System.Text.RegularExpressions;

namespace SpatialVlm.Reasoning;

/// <summary>How a final answer was read: the value in the family's terms (yes/no, an object, an order, a count), or null when unreadable.</summary>
public sealed record TaskReading(bool? Yes = null, int? ObjectId = null, IReadOnlyList<int>? Order = null, int? Count = null)
{
    public bool Readable => Yes != null || ObjectId != null || Order != null || Count != null;
}

/// <summary>Reads a free-text final answer by the task's family and scores it against the exact answer (right or wrong).</summary>
public static partial class TaskScoring
{
    public static (TaskReading Reading, bool Correct) Score(ReasoningTask task, string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer) || answer.StartsWith("no answer:", StringComparison.Ordinal)) return (new TaskReading(), false);
        var expected = task.Answer;
        switch (task.Family)
        {
            case TaskFamily.Isosceles or TaskFamily.Fits or TaskFamily.Reachable:
            {
                var yes = YesNoParser.Parse(answer);
                return (new TaskReading(Yes: yes), yes != null && yes == expected.Yes);
            }
            case TaskFamily.Closest or TaskFamily.Farthest:
            {
                var first = Mentioned(task, answer).FirstOrDefault();
                return (new TaskReading(ObjectId: first?.Id), first != null && first.Id == expected.ObjectId);
            }
            case TaskFamily.Order:
            {
                var order = Mentioned(task, answer).Select(o => o.Id!.Value).Distinct().ToList();
                var complete = order.Count == task.Candidates.Count;
                return (new TaskReading(Order: complete ? order : null), complete && order.SequenceEqual(expected.Order!));
            }
            default:
            {
                var digits = NumberWords.ToDigits(AnswerText.Normalize(answer));
                var m = Count().Match(digits);
                int? count = m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;
                return (new TaskReading(Count: count), count != null && count == expected.Count);
            }
        }
    }

    private static List<ObjectReference> Mentioned(ReasoningTask task, string answer) =>
        SubQuestionReader.Mentions(answer, task.Candidates.Select(c => new ObjectReference(c.Caption, c.Id)).ToList());

    // A whole number that is not part of a decimal and not a length.
    [GeneratedRegex(@"(?<![\d.,])\d+(?![\d.,]*\s*(m|cm|mm|meters?|metres?|centimeters?|ft|feet|in|inches)\b)(?![.,]\d)")]
    private static partial Regex Count();
}
