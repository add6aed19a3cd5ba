using System.Globalization;
using System.Text;

namespace SpatialVlm.Reasoning;

/// <summary>
/// The markdown card written beside a task file (<c>NAME.card.md</c>, as <c>benchmark build</c> writes one beside a
/// question benchmark): the source scenes and seeds, the families with their counts and yes/no balance, the thresholds
/// the exact answers rest on, and how free-text final answers are scored.
/// </summary>
public static class TaskCard
{
    public static string Render(TaskBuildSummary s, string taskFileName, string sourceFolder, TaskBuildOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        string Pct(double share) => (share * 100).ToString("0.##", inv) + " %";
        string M(double meters) => meters.ToString("0.##", inv) + " m";
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# {taskFileName}");
        sb.AppendLine();
        sb.AppendLine(inv, $"Compositional spatial reasoning tasks (chain-of-thought, `eval --llm`): {s.Tasks} tasks with exact answers.");
        sb.AppendLine();
        var range = s.SceneIds.Count > 0 ? $" ({s.SceneIds[0]} … {s.SceneIds[^1]})" : "";
        sb.AppendLine(inv, $"- Source: {s.Scenes} procedural scene folders under `{sourceFolder}`{range}; {s.ScenesWithoutTasks} gave no task (too few clearly separated objects).");
        sb.AppendLine("- Answers: exact, from each scene's `scene.json` boxes (centre distances, surface gaps); objects named as the question engine names them.");
        sb.AppendLine(inv, $"- Seeds: a procedural scene's id is its seed (`scenes --seed`); task sampling seed {o.Seed} (mixed with each scene id). Hold scenes out by seed: render them with seeds no training run used.");
        var most = o.MaxTasks > 0 ? string.Create(inv, $", at most {o.MaxTasks} in all") : "";
        sb.AppendLine(inv, $"- Drawn: up to {o.TasksPerScene} tasks per scene{most}; families cycled, yes/no families alternating yes and no.");
        sb.AppendLine();
        sb.AppendLine("## Families");
        sb.AppendLine();
        sb.AppendLine("| family | n | yes | no | question |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        foreach (var family in o.Families)
        {
            var n = s.ByFamily.GetValueOrDefault(family);
            var yesNo = family is TaskFamily.Isosceles or TaskFamily.Fits or TaskFamily.Reachable;
            var yes = s.YesByFamily.GetValueOrDefault(family);
            sb.AppendLine(inv, $"| {TaskEvalRunner.FamilyName(family)} | {n} | {(yesNo ? yes.ToString(inv) : "–")} | {(yesNo ? (n - yes).ToString(inv) : "–")} | {Describe(family, o)} |");
        }
        sb.AppendLine(inv, $"| **all** | {s.Tasks} | | | |");
        sb.AppendLine();
        sb.AppendLine("## Thresholds");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Clearance: a task is kept only when every comparison it rests on (two distances, a distance and a radius, a gap and a width) differs by at least {M(o.ClearanceM)} and {Pct(o.ClearanceShare)} of the larger value, so no answer hinges on centimetres the image does not show.");
        sb.AppendLine(inv, $"- Isosceles tolerance {Pct(o.IsoscelesTolerance)}: two sides count as equal when they differ by at most that share of the longer; the closest two sides' difference lies at least {Pct(o.IsoscelesBand)} inside or outside it.");
        sb.AppendLine(inv, $"- Reach: an arm's length of {M(o.ArmLengthM)}, centre to centre.");
        sb.AppendLine(inv, $"- Fits: pairs whose surfaces are at least {M(o.MinGapM)} apart; an object fits when the surface gap is at least its width.");
        sb.AppendLine();
        sb.AppendLine("## Scoring");
        sb.AppendLine();
        sb.AppendLine("Each final answer is free text, read by the task's family and scored right or wrong against the exact answer:");
        sb.AppendLine();
        sb.AppendLine("- isosceles, fits, reachable: the yes or no the answer gives (the evaluation's yes/no parser);");
        sb.AppendLine("- closest, farthest: the first of the candidates the answer names;");
        sb.AppendLine("- order: the order in which the answer names the candidates, all of them, nearest first;");
        sb.AppendLine("- count-within: the first whole number that is not a length (number words count).");
        sb.AppendLine();
        sb.AppendLine("An answer that cannot be read, or a run that ends with `no answer: REASON` (round cap, loop, protocol broken, LLM failure), is wrong. " +
                      "`eval` reports accuracy per family, and the direct baseline: the same composite question sent straight to the spatial model, scored the same way.");
        return sb.ToString();
    }

    private static string Describe(TaskFamily family, TaskBuildOptions o) => family switch
    {
        TaskFamily.Isosceles => "do three objects' centres form an isosceles triangle",
        TaskFamily.Closest => $"which of {o.Candidates} candidates is closest to a reference",
        TaskFamily.Farthest => $"which of {o.Candidates} candidates is farthest from a reference",
        TaskFamily.Fits => "does an object W wide fit between two objects",
        TaskFamily.Order => $"order {o.Candidates} candidates by distance to a reference, nearest first",
        TaskFamily.CountWithin => $"how many of {o.CountCandidates} candidates lie within R of a reference",
        TaskFamily.Reachable => "is an object within an arm's length of another",
        _ => family.ToString(),
    };
}
