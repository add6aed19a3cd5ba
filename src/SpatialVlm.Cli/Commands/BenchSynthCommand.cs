using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench synth`: QA synthesis throughput from observations already in memory (scenes are rendered first and not
/// timed), on every core, and the single-thread median per image. Prints one JSON object.
/// </summary>
public static class BenchSynthCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "observations to synthesize from", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "first scene seed", DefaultValueFactory = _ => 2000 };
        var size = new Option<string>("--size") { Description = "image size WxH", DefaultValueFactory = _ => "640x480" };
        var cmd = new Command("synth", "Times the data engine on observations in memory; prints one JSON object.") { count, seed, size };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n <= 0) throw new SpatialVlmException($"--count must be positive, got {n}");
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            var generator = new SceneGenerator(new SceneOptions { Width = w, Height = h });
            var s0 = parse.GetValue(seed);
            var observations = Enumerable.Range(0, n).AsParallel().AsOrdered().Select(i => generator.Generate(s0 + i).ToObservation()).ToArray();
            var pipeline = new SynthesisPipeline(new SynthesisOptions());
            foreach (var obs in observations.Take(3)) pipeline.Run(obs, 0); // warm-up: JIT and first-call costs

            var sw = Stopwatch.StartNew();
            long qa = 0;
            Parallel.For(0, n, i => Interlocked.Add(ref qa, pipeline.Run(observations[i], i).Questions.Items.Count));
            var parallelSeconds = sw.Elapsed.TotalSeconds;

            var single = new double[Math.Min(n, 30)];
            for (int i = 0; i < single.Length; i++)
            {
                sw.Restart();
                pipeline.Run(observations[i], i);
                single[i] = sw.Elapsed.TotalMilliseconds;
            }
            Array.Sort(single);
            var result = new Dictionary<string, object>
            {
                ["images"] = n,
                ["width"] = w,
                ["height"] = h,
                ["qa"] = qa,
                ["images_per_second"] = Math.Round(n / parallelSeconds, 1),
                ["qa_per_second"] = Math.Round(qa / parallelSeconds, 0),
                ["single_thread_median_ms"] = Math.Round(single[single.Length / 2], 2),
                ["workers"] = Environment.ProcessorCount,
            };
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        });
        return cmd;
    }
}
