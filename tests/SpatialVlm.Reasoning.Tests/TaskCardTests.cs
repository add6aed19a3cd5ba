using System.Text.RegularExpressions;

namespace SpatialVlm.Reasoning.Tests;

/// <summary>The card `benchmark build --tasks` writes beside the task file.</summary>
[Collection(TaskScenesCollection.Name)]
public sealed class TaskCardTests(TaskSceneFixture scenes)
{
    [Fact]
    public void The_card_beside_the_task_file_states_sources_seeds_families_balance_thresholds_and_scoring()
    {
        var cardPath = Path.Combine(scenes.Root, "tasks.card.md");
        Assert.Equal(cardPath, scenes.Summary.CardPath);
        var card = File.ReadAllText(cardPath);
        var tasks = TaskFile.Read(scenes.TaskFilePath);
        Assert.StartsWith("# tasks.jsonl\n", card.Replace("\r", ""));
        Assert.Contains($"{tasks.Count} tasks with exact answers", card);
        Assert.Contains($"{scenes.Summary.Scenes} procedural scene folders under `{Path.GetFullPath(scenes.Scenes)}` (scene-007000 … ", card);
        Assert.Contains("task sampling seed 1", card);
        Assert.Contains("a procedural scene's id is its seed", card);
        // Every family's row: its count and, for yes/no families, the yes and no counts, as in the file itself.
        foreach (var family in Enum.GetValues<TaskFamily>())
        {
            var ofFamily = tasks.Where(t => t.Family == family).ToList();
            var name = Regex.Escape(TaskEvalRunner.FamilyName(family));
            var row = Regex.Match(card, $@"^\| {name} \| (\d+) \| ([^|]+) \| ([^|]+) \|", RegexOptions.Multiline);
            Assert.True(row.Success, $"no row for {family}");
            Assert.Equal(ofFamily.Count, int.Parse(row.Groups[1].Value));
            if (family is TaskFamily.Isosceles or TaskFamily.Fits or TaskFamily.Reachable)
            {
                var yes = int.Parse(row.Groups[2].Value.Trim());
                var no = int.Parse(row.Groups[3].Value.Trim());
                Assert.Equal(ofFamily.Count(t => t.Answer.Yes == true), yes);
                Assert.Equal(ofFamily.Count(t => t.Answer.Yes == false), no);
                Assert.InRange(Math.Abs(yes - no), 0, Math.Max(2, ofFamily.Count / 5)); // balanced
            }
            else
            {
                Assert.Equal("–", row.Groups[2].Value.Trim());
            }
        }
        Assert.Contains($"| **all** | {tasks.Count} |", card);
        // The thresholds the exact answers rest on, and how answers are scored.
        Assert.Contains("differs by at least 0.15 m and 10 % of the larger value", card);
        Assert.Contains("Isosceles tolerance 10 %", card);
        Assert.Contains("an arm's length of 0.8 m", card);
        Assert.Contains("## Scoring", card);
        Assert.Contains("`no answer: REASON`", card);
        Assert.Contains("direct baseline", card);
    }

    [Fact]
    public void Other_options_change_the_card()
    {
        var dir = Directory.CreateTempSubdirectory("task-card-").FullName;
        try
        {
            var file = Path.Combine(dir, "few.jsonl");
            var summary = TaskBuilder.Build(scenes.Scenes, file, new TaskBuildOptions
            {
                TasksPerScene = 1, MaxTasks = 6, Seed = 42, ArmLengthM = 0.6, Families = [TaskFamily.Reachable, TaskFamily.Closest],
            });
            var card = File.ReadAllText(Path.Combine(dir, "few.card.md"));
            Assert.Equal(Path.Combine(dir, "few.card.md"), summary.CardPath);
            Assert.Contains("task sampling seed 42", card);
            Assert.Contains("an arm's length of 0.6 m", card);
            Assert.Contains("at most 6 in all", card);
            Assert.DoesNotContain("| isosceles |", card);
            Assert.Contains($"| reachable | {summary.ByFamily[TaskFamily.Reachable]} |", card);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
