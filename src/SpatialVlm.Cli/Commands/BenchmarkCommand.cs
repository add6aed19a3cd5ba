using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Evaluation;

namespace SpatialVlm.Cli.Commands;

/// <summary>`benchmark build`: a held-out spatial VQA benchmark with exact answers from scenes.</summary>
public static class BenchmarkCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "folder of scene folders (scene.json each), e.g. from `spatialvlm scenes`", Required = true };
        var output = new Option<string>("--out") { Description = "benchmark .jsonl to write", Required = true };
        var perScene = new Option<int>("--per-scene") { Description = "questions per scene", DefaultValueFactory = _ => 10 };
        var max = new Option<int>("--max") { Description = "stop after this many questions (0 = all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "question sampling seed", DefaultValueFactory = _ => 1 };
        var quantitative = new Option<double>("--quantitative-share") { Description = "share of quantitative questions", DefaultValueFactory = _ => 0.5 };
        var build = new Command("build", "Build a benchmark .jsonl whose answers come from exact ground-truth boxes.") { from, output, perScene, max, seed, quantitative };
        build.SetAction(parse =>
        {
            var k = parse.GetValue(perScene);
            if (k <= 0) throw new SpatialVlmException("--per-scene must be positive");
            var n = BenchmarkBuilder.Build(parse.GetValue(from)!, parse.GetValue(output)!, new BenchmarkBuildOptions
            {
                QuestionsPerScene = k, MaxQuestions = Math.Max(0, parse.GetValue(max)), Seed = parse.GetValue(seed),
                QuantitativeShare = parse.GetValue(quantitative),
            });
            parse.InvocationConfiguration.Output.WriteLine($"benchmark: {n} questions -> {parse.GetValue(output)}");
            return 0;
        });
        return new Command("benchmark", "Held-out spatial VQA benchmarks.") { build };
    }
}
