using System.CommandLine;
using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Cli.Commands;

/// <summary>`scenes`: renders procedural scenes with exact ground truth into OUT/&lt;scene-id&gt;/.</summary>
public static class ScenesCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "number of scenes; seeds S, S+1, ..., S+N-1", Required = true };
        var seed = new Option<long>("--seed") { Description = "seed of the first scene (scene id scene-<seed>)", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out") { Description = "output folder (required unless only --stats is asked for)" };
        var size = new Option<string>("--size") { Description = "image size WxH", DefaultValueFactory = _ => "640x480" };
        var stats = new Option<bool>("--stats") { Description = "print distributions of object counts, categories, camera heights and distances" };
        var sheet = new Option<bool>("--contact-sheet") { Description = "write OUT/contact_sheet.png with the first scenes" };
        var overlays = new Option<bool>("--overlays") { Description = "write OUT/<scene-id>/overlay.png: projected boxes and captions" };
        var frames = new Option<int>("--frames") { Description = "also render K frames into OUT/<scene-id>/frames/NNNN/: one object moving toward another, or with --robot the gripper picking an object and putting it in the bowl (scene.json \"robot\": phase, exact gripper-object distance)", DefaultValueFactory = _ => 0 };
        var robot = new Option<bool>("--robot") { Description = "robot tabletop scenes: 5-15 small objects (fruit, tubes, pegs, lying cans, flat things) on a table, a bowl, a two-finger gripper, cameras pitched 45-110 degrees with roll up to 30" };
        var cmd = new Command("scenes", "Render procedural scenes with exact ground truth into OUT/<scene-id>/ (image.png, depth.png, instances.png, surfaces.png, scene.json). Folders already complete are skipped.")
        { count, seed, outDir, size, stats, sheet, overlays, frames, robot };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            var s0 = parse.GetValue(seed);
            var dir = parse.GetValue(outDir);
            var wantStats = parse.GetValue(stats);
            var k = parse.GetValue(frames);
            if (n <= 0) throw new SpatialVlmException($"--count must be positive, got {n}");
            if (k < 0 || k > 1000) throw new SpatialVlmException($"--frames must be in 0..1000, got {k}");
            if (dir == null && !wantStats) throw new SpatialVlmException("--out is required (or ask for --stats alone)");
            if (dir != null) OutputPath.Folder(dir);
            if (dir == null && (parse.GetValue(sheet) || parse.GetValue(overlays) || k > 0)) throw new SpatialVlmException("--contact-sheet, --overlays and --frames need --out");
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var generator = new SceneGenerator(parse.GetValue(robot) ? SceneOptions.Robot(w, h) : new SceneOptions { Width = w, Height = h });
            var run = new SceneBatch(generator, dir, parse.GetValue(overlays), k);
            var output = parse.InvocationConfiguration.Output;
            var descriptions = RunWithProgress(run, s0, n, output);
            if (dir != null && parse.GetValue(sheet))
            {
                var path = Path.Combine(dir, "contact_sheet.png");
                SceneContactSheet.Write(path, Enumerable.Range(0, Math.Min(n, 16)).Select(i => Path.Combine(dir, SceneGenerator.SceneId(s0 + i))).ToList());
                output.WriteLine($"contact sheet: {path}");
            }
            if (wantStats) output.Write(SceneStatistics.Of(descriptions).Format());
            return 0;
        });
        return cmd;
    }

    private static SceneDescription[] RunWithProgress(SceneBatch run, long s0, int n, TextWriter output) =>
        ProgressDisplay.Run(output, $"scenes {SceneGenerator.SceneId(s0)}..{SceneGenerator.SceneId(s0 + n - 1)}", n, "scenes",
            report => run.Run(s0, n, p => report(p.Done, $"{p.Resumed} resumed")));
}
