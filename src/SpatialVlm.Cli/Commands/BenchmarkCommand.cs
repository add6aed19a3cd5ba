using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Benchmarks;

namespace SpatialVlm.Cli.Commands;

/// <summary>`benchmark build`: a held-out spatial VQA benchmark from scenes (exact answers) or annotated RGB-D frames (measured answers).</summary>
public static class BenchmarkCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "folder of scene folders (scene.json each, e.g. from `spatialvlm scenes`), or an RGB-D folder (color/, depth/, intrinsics.json, annotations.json)", Required = true };
        var output = new Option<string>("--out") { Description = "benchmark .jsonl to write", Required = true };
        var perScene = new Option<int>("--per-scene") { Description = "questions per scene or frame", DefaultValueFactory = _ => 10 };
        var exclude = new Option<string[]>("--exclude") { Description = "training dataset.jsonl files: scenes or frames whose id appears there are left out", AllowMultipleArgumentsPerToken = true };
        var max = new Option<int>("--max") { Description = "stop after this many questions (0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "question sampling seed", DefaultValueFactory = _ => 1 };
        var quantitative = new Option<double>("--quantitative-share") { Description = "share of quantitative questions", DefaultValueFactory = _ => 0.5 };
        var tasks = new Option<bool>("--tasks") { Description = "compositional reasoning tasks instead (isosceles, closest, farthest, fits, order, count-within, reachable; exact answers from scene folders); --per-scene counts tasks" };
        var build = new Command("build", "Build a benchmark .jsonl (and NAME.card.md): exact answers from scene ground truth, or measured answers from annotated RGB-D frames; or --tasks.")
            { from, output, perScene, max, seed, quantitative, exclude, tasks };
        build.SetAction(parse =>
        {
            var k = parse.GetValue(perScene);
            if (k <= 0) throw new SpatialVlmException("--per-scene must be positive");
            OutputPath.File(parse.GetValue(output));
            if (parse.GetValue(tasks))
            {
                var built = Reasoning.TaskBuilder.Build(parse.GetValue(from)!, parse.GetValue(output)!, new Reasoning.TaskBuildOptions
                {
                    TasksPerScene = k, MaxTasks = Math.Max(0, parse.GetValue(max)), Seed = parse.GetValue(seed),
                });
                parse.InvocationConfiguration.Output.WriteLine($"tasks: {built.Tasks} over {built.Scenes} scenes (" +
                    string.Join(", ", built.ByFamily.Select(kv => $"{Reasoning.TaskEvalRunner.FamilyName(kv.Key)} {kv.Value}")) + $") -> {parse.GetValue(output)}, {built.CardPath}");
                return 0;
            }
            var summary = BenchmarkBuilder.Build(parse.GetValue(from)!, parse.GetValue(output)!, new BenchmarkBuildOptions
            {
                QuestionsPerScene = k, MaxQuestions = Math.Max(0, parse.GetValue(max)), Seed = parse.GetValue(seed),
                QuantitativeShare = parse.GetValue(quantitative), ExcludeDatasets = parse.GetValue(exclude) ?? [],
            });
            parse.InvocationConfiguration.Output.WriteLine(
                $"benchmark: {summary.Questions} questions ({summary.Qualitative} qualitative, {summary.Quantitative} quantitative, {summary.ByType.Count} types) " +
                $"over {summary.Images} {summary.Source.Kind}; {summary.Source.Skipped.Count} left out -> {parse.GetValue(output)}, {summary.CardPath}");
            return 0;
        });
        return new Command("benchmark", "Held-out spatial VQA benchmarks.") { build };
    }
}
