using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench scenes`: procedural scene throughput. Prints one JSON object: scenes per second end to end (render and
/// write all files, scenes in parallel on every core), the CPU time per scene behind it, and per-scene medians on
/// one thread for the stages.
/// </summary>
public static class BenchScenesCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "scenes to render", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "first seed", DefaultValueFactory = _ => 1000 };
        var size = new Option<string>("--size") { Description = "image size WxH", DefaultValueFactory = _ => "640x480" };
        var cmd = new Command("scenes", "Times procedural scene generation and writing; prints one JSON object.") { count, seed, size };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n <= 0) throw new SpatialVlmException($"--count must be positive, got {n}");
            var s0 = parse.GetValue(seed);
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var generator = new SceneGenerator(new SceneOptions { Width = w, Height = h });
            var tmp = Path.Combine(Path.GetTempPath(), $"svlm-bench-scenes-{Environment.ProcessId}");
            try
            {
                new SceneBatch(generator, Path.Combine(tmp, "warmup")).Run(s0 - 4, 4);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                new SceneBatch(generator, Path.Combine(tmp, "run")).Run(s0, n);
                var seconds = sw.Elapsed.TotalSeconds;
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;

                // Stage medians on one thread, over up to 20 scenes.
                var m = Math.Min(n, 20);
                var layout = new double[m]; var render = new double[m]; var colorPng = new double[m]; var png16 = new double[m];
                for (int i = 0; i < m; i++)
                {
                    sw.Restart();
                    generator.Layout(s0 + i);
                    layout[i] = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    var scene = generator.Generate(s0 + i);
                    render[i] = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    ColorImageCodec.EncodePngFast(scene.Image);
                    colorPng[i] = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    Png16.Encode(scene.DepthMillimeters, w, h); Png16.Encode(scene.Instances, w, h); Png16.Encode(scene.SurfaceIds, w, h);
                    png16[i] = sw.Elapsed.TotalMilliseconds;
                }
                var result = new Dictionary<string, object>
                {
                    ["scenes"] = n, ["width"] = w, ["height"] = h, ["threads"] = Environment.ProcessorCount,
                    ["seconds"] = Math.Round(seconds, 3),
                    ["scenes_per_second"] = Math.Round(n / seconds, 2),
                    // CPU time per scene, and the rate all cores would give if nothing else ran (the machine may be shared).
                    ["cpu_ms_per_scene"] = Math.Round(cpuSeconds * 1000 / n, 2),
                    ["cpu_bound_scenes_per_second"] = Math.Round(n / (cpuSeconds / Environment.ProcessorCount), 2),
                    ["layout_ms"] = Median(layout), ["generate_ms"] = Median(render),
                    ["color_png_ms"] = Median(colorPng), ["png16_ms"] = Median(png16),
                };
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(result));
            }
            finally
            {
                try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
            }
            return 0;
        });
        return cmd;
    }

    private static double Median(double[] v)
    {
        var s = v.Order().ToArray();
        return Math.Round(s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2, 2);
    }
}
