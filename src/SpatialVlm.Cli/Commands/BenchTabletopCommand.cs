using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Synthesis.Checks;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench tabletop`: the box-only tabletop check (issue 15). Renders N robot tabletop scenes from steep cameras into an
/// RGB-D folder with COCO bboxes only, runs the synthesis pipeline over it, and prints one JSON object: share of objects
/// measured, centre and size errors against the exact boxes, pairwise distance error, canonicalized share, timings.
/// </summary>
public static class BenchTabletopCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "scenes to render and measure", DefaultValueFactory = _ => 50 };
        var seed = new Option<long>("--seed") { Description = "first seed", DefaultValueFactory = _ => 9000 };
        var outDir = new Option<string?>("--out") { Description = "keep the RGB-D folder here (default: a temporary folder, deleted)" };
        var cmd = new Command("tabletop", "Box-only measurement of cluttered robot tabletops from steep cameras against exact ground truth; prints one JSON object.") { count, seed, outDir };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n <= 0 || n > 10000) throw new SpatialVlmException($"--count must be in 1..10000, got {n}");
            var keep = parse.GetValue(outDir);
            var dir = keep ?? Path.Combine(Path.GetTempPath(), $"svlm-bench-tabletop-{Environment.ProcessId}");
            if (keep != null && Directory.Exists(Path.Combine(keep, "color")) && Directory.EnumerateFileSystemEntries(Path.Combine(keep, "color")).Any())
                throw new SpatialVlmException($"{keep}: already holds an RGB-D folder; use another --out");
            try
            {
                var report = TabletopBoxOnlyCheck.Run(dir, new TabletopCheckOptions { Count = n, Seed = parse.GetValue(seed) });
                parse.InvocationConfiguration.Output.WriteLine(report.ToJson().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            }
            finally
            {
                if (keep == null) try { Directory.Delete(dir, true); } catch (IOException) { }
            }
            return 0;
        });
        return cmd;
    }
}
