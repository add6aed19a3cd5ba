using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench perception`: CPU pre- and post-processing per image for each perception backend (no model needed): resize and
/// normalise into the network tensor, and for depth the unit conversion and bilinear resize back. Per stage: the median
/// wall time over the runs on one thread (pre_ms, post_ms), the process CPU time per run (pre_cpu_ms, post_cpu_ms:
/// steadier than wall time on a shared machine), and images per second with every core busy. Prints one JSON object.
/// </summary>
public static class BenchPerceptionCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "image size WxH", DefaultValueFactory = _ => "640x480" };
        var runs = new Option<int>("--runs") { Description = "timed runs per stage; times are medians (default 20)", DefaultValueFactory = _ => 20 };
        var cmd = new Command("perception", "Time the CPU pre- and post-processing of each perception backend per image; prints one JSON object.") { size, runs };
        cmd.SetAction(parse =>
        {
            var (w, h) = ParseSize(parse.GetValue(size)!);
            var n = parse.GetValue(runs);
            if (n < 1) throw new SpatialVlmException($"--runs must be at least 1, got {n}");
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(Run(w, h, n)));
            return 0;
        });
        return cmd;
    }

    private static (int W, int H) ParseSize(string text)
    {
        var p = text.Split('x');
        if (p.Length != 2 || !int.TryParse(p[0], out var w) || !int.TryParse(p[1], out var h) || w < 1 || h < 1 || (long)w * h > 100_000_000)
            throw new SpatialVlmException($"--size '{text}' must be WxH with positive sides");
        return (w, h);
    }

    public static Dictionary<string, object> Run(int w, int h, int runs)
    {
        var image = TestImage(w, h);
        var k = CameraIntrinsics.FromHorizontalFov(w, h, 60);
        var backends = new List<Dictionary<string, object>>();
        foreach (var export in DepthExport.All)
        {
            var (ih, iw) = export.InputSize(h, w);
            var input = new float[3 * ih * iw];
            var raw = new float[ih * iw];
            for (int i = 0; i < raw.Length; i++) raw[i] = 1 + (i % iw) * 0.001f;
            var (pre, preCpu) = Time(runs, () => DepthTensors.Prepare(export, image, ih, iw, input));
            var (post, postCpu) = Time(runs, () => DepthTensors.ToMeters(export, raw, ih, iw, k));
            var perSecond = Throughput(runs, () =>
            {
                var local = new float[3 * ih * iw];
                DepthTensors.Prepare(export, image, ih, iw, local);
                DepthTensors.ToMeters(export, raw, ih, iw, k);
            });
            backends.Add(new() { ["backend"] = export.Name, ["network_input"] = $"{iw}x{ih}", ["pre_ms"] = pre, ["pre_cpu_ms"] = preCpu, ["post_ms"] = post, ["post_cpu_ms"] = postCpu, ["images_per_s_all_cores"] = perSecond });
        }
        {
            var input = new float[3 * ClipImageEncoder.Size * ClipImageEncoder.Size];
            var (pre, preCpu) = Time(runs, () => ClipImageEncoder.Preprocess(image, input));
            var perSecond = Throughput(runs, () => ClipImageEncoder.Preprocess(image, new float[3 * ClipImageEncoder.Size * ClipImageEncoder.Size]));
            backends.Add(new() { ["backend"] = "clip-vision", ["network_input"] = "224x224", ["pre_ms"] = pre, ["pre_cpu_ms"] = preCpu, ["post_ms"] = 0.0, ["post_cpu_ms"] = 0.0, ["images_per_s_all_cores"] = perSecond });
        }
        return new() { ["image"] = $"{w}x{h}", ["runs"] = runs, ["cores"] = Environment.ProcessorCount, ["backends"] = backends };
    }

    /// <summary>A deterministic textured image (gradients and a checker), so resizing does real work.</summary>
    private static RgbImage TestImage(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int p = 3 * (y * w + x);
                img.Pixels[p] = (byte)(x * 255 / Math.Max(1, w - 1));
                img.Pixels[p + 1] = (byte)(y * 255 / Math.Max(1, h - 1));
                img.Pixels[p + 2] = (byte)(((x >> 3) + (y >> 3)) % 2 * 200);
            }
        return img;
    }

    /// <summary>Median wall milliseconds per run, and process CPU milliseconds per run.</summary>
    private static (double WallMs, double CpuMs) Time(int runs, Action work)
    {
        // Warm-up for at least 300 ms, so tiered compilation has replaced the first-tier code before timing.
        var warm = Stopwatch.StartNew();
        do work(); while (warm.ElapsedMilliseconds < 300);
        var t = new double[runs];
        var sw = new Stopwatch();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int i = 0; i < runs; i++) { sw.Restart(); work(); t[i] = sw.Elapsed.TotalMilliseconds; }
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / runs;
        Array.Sort(t);
        return (Math.Round(runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2, 3), Math.Round(cpu, 3));
    }

    private static double Throughput(int runs, Action work)
    {
        int n = Math.Max(runs, 2 * Environment.ProcessorCount);
        var sw = Stopwatch.StartNew();
        Parallel.For(0, n, _ => work());
        return Math.Round(n / sw.Elapsed.TotalSeconds, 1);
    }
}
