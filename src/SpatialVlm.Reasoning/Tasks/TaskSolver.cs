using System.Globalization;

namespace SpatialVlm.Reasoning;

/// <summary>One simple quantity a composite question needs: a quantitative question type between two objects.</summary>
/// <param name="Quantity"><c>distance</c> (centre to centre) or <c>gap</c> (surface to surface).</param>
public sealed record NeededMeasurement(ObjectReference A, ObjectReference B, string Quantity);

/// <summary>
/// The exact decomposition of each family: which measurements it needs, and how their values combine into the
/// answer. The task builder runs it on ground-truth values; the builtin planner on the spatial model's answers.
/// </summary>
public static class TaskSolver
{
    public static IReadOnlyList<NeededMeasurement> Needed(TaskQuery q) => q.Family switch
    {
        TaskFamily.Isosceles => [new(q.Subjects[0], q.Subjects[1], "distance"), new(q.Subjects[1], q.Subjects[2], "distance"), new(q.Subjects[0], q.Subjects[2], "distance")],
        TaskFamily.Fits => [new(q.Subjects[0], q.Subjects[1], "gap")],
        TaskFamily.Reachable => [new(q.Subjects[0], q.Candidates[0], "distance")],
        _ => q.Candidates.Select(c => new NeededMeasurement(q.Reference!, c, "distance")).ToList(),
    };

    /// <summary>The answer from the values of <see cref="Needed"/>, in that order (meters).</summary>
    public static TaskAnswer Solve(TaskQuery q, IReadOnlyList<double> values)
    {
        var p = q.Parameters;
        switch (q.Family)
        {
            case TaskFamily.Isosceles:
            {
                var difference = SmallestRelativeDifference(values);
                var yes = difference <= p.Tolerance!.Value;
                return new TaskAnswer
                {
                    Yes = yes,
                    Text = $"{(yes ? "Yes" : "No")}: the sides are {string.Join(", ", values.Select(TaskQuestionText.Meters))}; " +
                           $"the closest two differ by {Percent(difference)}, {(yes ? "within" : "more than")} {Percent(p.Tolerance.Value)}.",
                };
            }
            case TaskFamily.Fits:
            {
                var yes = values[0] >= p.WidthM!.Value;
                return new TaskAnswer { Yes = yes, Text = $"{(yes ? "Yes" : "No")}: the gap is {TaskQuestionText.Meters(values[0])}, {(yes ? "at least" : "less than")} {TaskQuestionText.Meters(p.WidthM.Value)}." };
            }
            case TaskFamily.Reachable:
            {
                var yes = values[0] <= p.ArmLengthM!.Value;
                return new TaskAnswer { Yes = yes, Text = $"{(yes ? "Yes" : "No")}: they are {TaskQuestionText.Meters(values[0])} apart, {(yes ? "within" : "beyond")} {TaskQuestionText.Meters(p.ArmLengthM.Value)}." };
            }
            case TaskFamily.Closest or TaskFamily.Farthest:
            {
                var order = Ranked(values);
                var pick = q.Family == TaskFamily.Closest ? order[0] : order[^1];
                return new TaskAnswer
                {
                    ObjectId = q.Candidates[pick].Id,
                    Text = $"The {q.Candidates[pick].Phrase} ({TaskQuestionText.Meters(values[pick])} from the {q.Reference!.Phrase}).",
                };
            }
            case TaskFamily.Order:
            {
                var order = Ranked(values);
                return new TaskAnswer
                {
                    Order = order.Select(i => q.Candidates[i].Id ?? -1).ToList(),
                    Text = string.Join(", ", order.Select(i => $"the {q.Candidates[i].Phrase} ({TaskQuestionText.Meters(values[i])})")) + ".",
                };
            }
            case TaskFamily.CountWithin:
            {
                var count = values.Count(v => v <= p.RadiusM!.Value);
                return new TaskAnswer { Count = count, Text = $"{count.ToString(CultureInfo.InvariantCulture)} (distances {string.Join(", ", values.Select(TaskQuestionText.Meters))})." };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(q));
        }
    }

    /// <summary>Of the three pairs of sides, the smallest |a − b| / max(a, b).</summary>
    public static double SmallestRelativeDifference(IReadOnlyList<double> sides)
    {
        var best = double.PositiveInfinity;
        for (int i = 0; i < sides.Count; i++)
            for (int j = i + 1; j < sides.Count; j++)
                best = Math.Min(best, Math.Abs(sides[i] - sides[j]) / Math.Max(Math.Max(sides[i], sides[j]), 1e-9));
        return best;
    }

    /// <summary>Indices sorted by value, ties by index.</summary>
    private static int[] Ranked(IReadOnlyList<double> values) => Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ThenBy(i => i).ToArray();

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.#}%");
}
