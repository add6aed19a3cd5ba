using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Sharding;

namespace SpatialVlm.Cli.Commands;

/// <summary>`merge OUT`: validates every shard of OUT/plan.json and writes the dataset to OUT/merged/.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var outArg = new Argument<string>("OUT") { Description = "the folder holding plan.json and shards/" };
        var shardMb = new Option<int>("--parquet-shard-mb") { Description = "about this many MB per Parquet file", DefaultValueFactory = _ => 500 };
        var allowMissing = new Option<bool>("--allow-missing") { Description = "merge the finished shards even when some are missing or invalid (they are named in the manifest)" };
        var cmd = new Command("merge", "Merges finished shards into OUT/merged/: data-00000-of-000NN.parquet (Hugging Face layout), dataset.jsonl in plan order, images/, a card README.md, manifest.json.")
        { outArg, shardMb, allowMissing };
        cmd.SetAction(parse =>
        {
            var outDir = Path.GetFullPath(parse.GetValue(outArg)!);
            if (File.Exists(outDir)) throw new SpatialVlmException($"{parse.GetValue(outArg)}: is a file; give the folder that holds plan.json");
            var plan = ShardPlan.Read(Path.Combine(outDir, ShardPlan.FileName));
            var mb = parse.GetValue(shardMb);
            if (mb < 1) throw new SpatialVlmException($"--parquet-shard-mb must be at least 1, got {mb}");
            var merger = new ShardMerger(plan, outDir);
            var output = parse.InvocationConfiguration.Output;
            var manifest = ProgressDisplay.Run(output, $"merge: {plan.Shards.Count} shards", plan.Shards.Sum(s => s.Items), "images",
                report => merger.Merge(mb * 1024L * 1024L, parse.GetValue(allowMissing), new ProgressDisplay.Callback<int>(done => report(done, "records"))));
            foreach (var s in manifest.Shards.Where(s => s.Status != "merged"))
                output.WriteLine($"merge: {s.Name} missing ({s.Reason})");
            output.WriteLine($"merge: {manifest.Shards.Count(s => s.Status == "merged")} of {manifest.Shards.Count} shards, {manifest.Succeeded} images, {manifest.Qa} QA pairs, {manifest.Failed} failed images, " +
                             $"{manifest.DataFiles.Count} Parquet file{(manifest.DataFiles.Count == 1 ? "" : "s")} -> {merger.MergedDir}");
            return 0;
        });
        return cmd;
    }
}
