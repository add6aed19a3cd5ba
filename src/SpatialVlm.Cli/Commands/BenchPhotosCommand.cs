using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;
using SpatialVlm.Perception.Doubles;
using SpatialVlm.Perception.Photo;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Cli.Commands;

/// <summary>
/// `bench photos`: per-image time of the photo path except the model calls, on one thread, over rendered scenes
/// stored as PNG. Models are in-process stand-ins around the backends' real CPU stages: the scene filter and depth
/// run their pre-processing (CLIP 224² tensor; Metric3D resize/normalise, canonical-focal conversion and resize back)
/// around a precomputed output; the detector runs OWLv2's (grey-square 960² tensor, query tokenization, decoding of
/// [3600,Q] logits, NMS) and the segmenter SAM2's (1024² tensor once per image, per box best-IoU pick and upsampling
/// of 256² logits to a mask) around raw outputs drawn from the scene; the stand-ins' own work (drawing those outputs,
/// text embedding) is measured and subtracted. Stages: decode, filter_pre, depth_pre_post, detect_pre_post,
/// segment_pre_post, chain (normalisation, mask cleanup, de-duplication, grouping, support, notes), synthesis (lift,
/// denoise, canonicalize, measure, QA). Medians in ms.
/// </summary>
public static class BenchPhotosCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "scenes (images) to time", DefaultValueFactory = _ => 20 };
        var size = new Option<string>("--size") { Description = "image size WxH", DefaultValueFactory = _ => "640x480" };
        var seed = new Option<long>("--seed") { Description = "first scene seed", DefaultValueFactory = _ => 4000 };
        var cmd = new Command("photos", "Times the photo path per image except the model calls; prints one JSON object.") { count, size, seed };
        cmd.SetAction(parse =>
        {
            var n = parse.GetValue(count);
            if (n < 1) throw new SpatialVlmException($"--count must be at least 1, got {n}");
            var (w, h) = SceneOptions.ParseSize(parse.GetValue(size)!);
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(Run(n, w, h, parse.GetValue(seed))));
            return 0;
        });
        return cmd;
    }

    public static Dictionary<string, object> Run(int n, int w, int h, long seed)
    {
        var generator = new SceneGenerator(new SceneOptions { Width = w, Height = h });
        var pipeline = new SynthesisPipeline(new SynthesisOptions());
        var stages = new[] { "decode", "filter_pre", "depth_pre_post", "detect_pre_post", "segment_pre_post", "chain", "synthesis", "total_without_models" };
        var tokenizer = StandInOwlDetector.ByteLevelTokenizer();
        var times = stages.ToDictionary(s => s, _ => new List<double>());
        var modelMs = new List<double>();
        int objects = 0;
        // The first two images warm up (JIT); they are run again at the end and timed then.
        var seeds = Enumerable.Range(0, n).Select(i => seed + i).ToList();
        foreach (var (s, timed) in seeds.Take(Math.Min(2, n)).Select(s => (s, false)).Concat(seeds.Select(s => (s, true))))
        {
            var scene = generator.Generate(s);
            var truth = scene.ToObservation();
            var png = ColorImageCodec.EncodePng(scene.Image);
            var (ih, iw) = DepthExport.Metric3D.InputSize(h, w);
            var raw = new float[ih * iw];
            // The network's output: the scene's depth sampled at the network size (nearest), in canonical-focal units.
            double fIn = (truth.Intrinsics.Fx * iw / w + truth.Intrinsics.Fy * ih / h) / 2;
            for (int v = 0; v < ih; v++)
                for (int u = 0; u < iw; u++)
                    raw[v * iw + u] = (float)(truth.Depth[Math.Min(w - 1, u * w / iw), Math.Min(h - 1, v * h / ih)] * 1000 / fIn);
            var clock = new StandInClock();
            Stopwatch filterWatch = new(), depthWatch = new(), detectWatch = new(), segmentWatch = new();
            var regions = StandInRegion.From(truth);
            var chain = new PhotoPerceptionChain(new PhotoPerceptionModels
            {
                Filter = new StandInSceneFilter(filterWatch), Depth = new StandInDepthModel(raw, ih, iw, truth.Intrinsics, depthWatch),
                Detector = new StandInOwlDetector(regions, tokenizer, detectWatch, clock.Watch),
                Segmenter = new StandInSam2Segmenter(regions, segmentWatch, clock.Watch), TextEmbedder = new StandInTextEmbedder(clock),
            }, new PhotoPerceptionOptions { Queries = [.. EverydayVocabulary.Objects, .. truth.Objects.Select(o => o.Category)] });

            var sw = Stopwatch.StartNew();
            var image = ColorImageFile.Decode(png, "bench");
            var decode = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var obs = chain.Perceive($"bench-{s}", image);
            var perceive = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var result = pipeline.Run(obs, (int)s);
            var synthesis = sw.Elapsed.TotalMilliseconds;
            if (!timed) continue;
            objects += result.Objects.Count;
            double filter = filterWatch.Elapsed.TotalMilliseconds, depth = depthWatch.Elapsed.TotalMilliseconds, model = clock.Watch.Elapsed.TotalMilliseconds;
            double detect = detectWatch.Elapsed.TotalMilliseconds, segment = segmentWatch.Elapsed.TotalMilliseconds;
            var chainOnly = perceive - filter - depth - detect - segment - model;
            times["decode"].Add(decode);
            times["filter_pre"].Add(filter);
            times["depth_pre_post"].Add(depth);
            times["detect_pre_post"].Add(detect);
            times["segment_pre_post"].Add(segment);
            times["chain"].Add(chainOnly);
            times["synthesis"].Add(synthesis);
            times["total_without_models"].Add(decode + filter + depth + detect + segment + chainOnly + synthesis);
            modelMs.Add(model);
        }
        var result2 = new Dictionary<string, object> { ["images"] = n, ["image"] = $"{w}x{h}", ["objects_per_image"] = Math.Round((double)objects / n, 1) };
        foreach (var (stage, list) in times) result2[$"{stage}_ms"] = Median(list);
        result2["stand_in_model_ms"] = Median(modelMs);
        result2["threads"] = 1;
        result2["stand_ins"] = "owlv2 and sam2.1 cpu stages (byte-level CLIP tokenizer), metric3d and clip filter preprocessing";
        return result2;
    }

    private static double Median(List<double> values)
    {
        var v = values.Order().ToList();
        return Math.Round(v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2, 3);
    }
}
