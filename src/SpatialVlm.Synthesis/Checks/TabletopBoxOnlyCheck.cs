using System.Diagnostics;
using System.Text.Json.Nodes;
using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Checks;

/// <summary>Knobs of <see cref="TabletopBoxOnlyCheck"/>.</summary>
public sealed record TabletopCheckOptions
{
    /// <summary>Scenes rendered (seeds Seed .. Seed+Count−1). Default 50.</summary>
    public int Count { get; init; } = 50;
    /// <summary>First seed. Default 9000.</summary>
    public long Seed { get; init; } = 9000;
    /// <summary>Image size. Default 640x480.</summary>
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 480;
    /// <summary>Sensor depth noise: σ = DepthNoiseBase + DepthNoisePerSquareMeter·depth² (meters), seeded per scene. Default 0.0005 + 0.0015·d².</summary>
    public double DepthNoiseBase { get; init; } = 0.0005;
    public double DepthNoisePerSquareMeter { get; init; } = 0.0015;
}

/// <summary>Per object: truth and measurement in the camera frame (centres) and sizes [width, length, height].</summary>
public sealed record TabletopObjectCheck(string Scene, int Id, string Caption, bool Measured, string? Skip,
    double CenterError, double[] TrueSize, double[] MeasuredSize, Point3 TrueCenterCamera, Point3 MeasuredCenterCamera);

/// <summary>What <see cref="TabletopBoxOnlyCheck.Run"/> found over all scenes.</summary>
public sealed record TabletopCheckReport(int Scenes, int Canonicalized, IReadOnlyList<TabletopObjectCheck> Objects,
    IReadOnlyList<double> PairRelativeErrors, IReadOnlyList<double> UpErrorsDegrees, double RenderSeconds, double PipelineSeconds)
{
    public int Annotated => Objects.Count;
    public int Measured => Objects.Count(o => o.Measured);
    private IEnumerable<TabletopObjectCheck> M => Objects.Where(o => o.Measured);
    public double MeasuredShare => Annotated == 0 ? 0 : Measured / (double)Annotated;
    /// <summary>Largest relative error of the three sizes, per measured object.</summary>
    public IEnumerable<double> SizeErrors => M.Select(o => Enumerable.Range(0, 3).Max(i => Math.Abs(o.MeasuredSize[i] - o.TrueSize[i]) / o.TrueSize[i]));
    public double CenterWithin2cmShare => Measured == 0 ? 0 : M.Count(o => o.CenterError <= 0.02) / (double)Measured;
    public double SizeWithin20PercentShare => Measured == 0 ? 0 : SizeErrors.Count(e => e <= 0.2) / (double)Measured;

    public JsonObject ToJson()
    {
        static double Q(IEnumerable<double> v, double q) { var a = v.Order().ToArray(); return a.Length == 0 ? double.NaN : a[Math.Min(a.Length - 1, (int)Math.Floor(q * a.Length))]; }
        static JsonNode? R(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 5)) : null; // null: nothing to measure
        var centers = M.Select(o => o.CenterError).ToArray();
        var sizes = SizeErrors.ToArray();
        return new JsonObject
        {
            ["scenes"] = Scenes,
            ["canonicalized_share"] = R(Canonicalized / (double)Math.Max(1, Scenes)),
            ["up_error_deg_median"] = R(Q(UpErrorsDegrees, 0.5)),
            ["up_error_deg_max"] = R(UpErrorsDegrees.DefaultIfEmpty(double.NaN).Max()),
            ["annotated"] = Annotated,
            ["measured"] = Measured,
            ["measured_share"] = R(MeasuredShare),
            ["center_error_m_median"] = R(Q(centers, 0.5)),
            ["center_error_m_p95"] = R(Q(centers, 0.95)),
            ["center_within_2cm_share"] = R(CenterWithin2cmShare),
            ["size_error_median"] = R(Q(sizes, 0.5)),
            ["size_error_p95"] = R(Q(sizes, 0.95)),
            ["size_within_20pct_share"] = R(SizeWithin20PercentShare),
            ["pairs"] = PairRelativeErrors.Count,
            ["pair_distance_rel_error_median"] = R(Q(PairRelativeErrors, 0.5)),
            ["render_s"] = R(RenderSeconds),
            ["pipeline_s"] = R(PipelineSeconds),
            ["size_error_median_by_category"] = new JsonObject(M.GroupBy(o => o.Caption.Split(' ')[^1]).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray(Enumerable.Range(0, 3).Select(i =>
                    R(Q(g.Select(o => (o.MeasuredSize[i] - o.TrueSize[i]) / o.TrueSize[i]), 0.5))).ToArray())))),
            ["center_over_2cm"] = new JsonArray(M.Where(o => o.CenterError > 0.02).Select(o =>
                (JsonNode)FormattableString.Invariant($"{o.Scene}/{o.Id} {o.Caption}: {o.CenterError:0.000} m, camera-frame offset {o.MeasuredCenterCamera - o.TrueCenterCamera}")).ToArray()),
            ["skipped"] = new JsonArray(Objects.Where(o => !o.Measured).Select(o => (JsonNode)$"{o.Scene}/{o.Id} {o.Caption}: {o.Skip}").ToArray()),
        };
    }
}

/// <summary>
/// The box-only tabletop check of issue 15: robot tabletop scenes from steep cameras are written as an RGB-D folder
/// (noisy 16-bit depth, one intrinsics.json, annotations.json with COCO bboxes only, from the instance masks) and
/// run through the synthesis pipeline exactly as `synth --input` would; every annotated object's measured box is then
/// compared with the scene's exact box: centres in the camera frame (so the comparison does not depend on the frame
/// estimate), sizes [width, length, height], pairwise centre distances, and the estimated up against the true one.
/// The gripper is annotated too (it is in the picture) but not scored: it floats and is seen only from above.
/// </summary>
public static class TabletopBoxOnlyCheck
{
    public static TabletopCheckReport Run(string dir, TabletopCheckOptions o)
    {
        var watch = Stopwatch.StartNew();
        var scenes = Write(dir, o);
        var render = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var source = new RgbdFolderSource(dir);
        var pipeline = new SynthesisPipeline(new SynthesisOptions());
        var objects = new List<TabletopObjectCheck>();
        var pairs = new List<double>();
        var upErrors = new List<double>();
        int canonicalized = 0;
        foreach (var item in source.Items)
        {
            var scene = scenes[item.Id];
            var obs = source.Load(item);
            var result = pipeline.Run(obs, (int)(item.Seed & int.MaxValue));
            var truePose = scene.Camera.WorldFromCameraTransform;
            if (result.Frame.Canonicalized)
            {
                canonicalized++;
                upErrors.Add(Canonicalizer.AngleBetweenUp(truePose, result.Frame.WorldFromCamera));
            }
            var cameraFromTrue = truePose.Inverse();
            var cameraFromEstimate = result.Frame.WorldFromCamera.Inverse();
            var measured = new List<(Point3 True, Point3 Measured)>();
            foreach (var t in scene.Objects)
            {
                if (t.Category == "gripper") continue;
                var m = result.Objects.FirstOrDefault(x => x.Spatial.Id == t.Id);
                var trueCenter = cameraFromTrue.Apply(Point3.FromArray(t.Center));
                if (m is null)
                {
                    var why = result.Skipped.FirstOrDefault(s => s.Id == $"{item.Id}/{t.Id}")?.Reason ?? "no mask";
                    objects.Add(new TabletopObjectCheck(item.Id, t.Id, t.Caption, false, why, double.NaN, t.Size, [], trueCenter, default));
                    continue;
                }
                var b = m.Spatial.Box;
                var center = cameraFromEstimate.Apply(b.Center);
                objects.Add(new TabletopObjectCheck(item.Id, t.Id, t.Caption, true, null, (center - trueCenter).Length, t.Size,
                    [b.Width, b.Length, b.Height], trueCenter, center));
                measured.Add((trueCenter, center));
            }
            for (int i = 0; i < measured.Count; i++)
                for (int j = i + 1; j < measured.Count; j++)
                {
                    var d = (measured[i].True - measured[j].True).Length;
                    pairs.Add(Math.Abs((measured[i].Measured - measured[j].Measured).Length - d) / d);
                }
        }
        return new TabletopCheckReport(scenes.Count, canonicalized, objects, pairs, upErrors, render, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Renders the scenes into an RGB-D folder with box-only COCO annotations; returns the descriptions by stem.</summary>
    public static Dictionary<string, SceneDescription> Write(string dir, TabletopCheckOptions o)
    {
        var generator = new SceneGenerator(GeneratorOptions(o));
        var scenes = new RenderedScene[o.Count];
        Parallel.For(0, o.Count, i => scenes[i] = generator.Generate(o.Seed + i));
        return WriteFolder(dir, scenes, o);
    }

    /// <summary>The robot scenes of the check: one field of view, so that one intrinsics.json fits every image.</summary>
    public static SceneOptions GeneratorOptions(TabletopCheckOptions o) => SceneOptions.Robot(o.Width, o.Height) with { HorizontalFovDegrees = new(65, 65) };

    /// <summary>
    /// Rendered scenes (of one camera model) as an RGB-D folder: colour, noisy depth seeded from o.Seed + index, one
    /// intrinsics.json, and box-only COCO annotations; returns the descriptions by stem (the scene ids).
    /// </summary>
    public static Dictionary<string, SceneDescription> WriteFolder(string dir, IReadOnlyList<RenderedScene> scenes, TabletopCheckOptions o)
    {
        Directory.CreateDirectory(Path.Combine(dir, "color"));
        Directory.CreateDirectory(Path.Combine(dir, "depth"));
        var images = new JsonArray();
        var annotations = new JsonArray();
        var categories = new Dictionary<string, int>(StringComparer.Ordinal);
        var byStem = new Dictionary<string, SceneDescription>(StringComparer.Ordinal);
        for (int i = 0; i < scenes.Count; i++)
        {
            var s = scenes[i];
            var stem = s.Description.Id;
            byStem[stem] = s.Description;
            AtomicFile.WriteAllBytes(Path.Combine(dir, "color", stem + ".png"), ColorImageCodec.EncodePngFast(s.Image));
            AtomicFile.WriteAllBytes(Path.Combine(dir, "depth", stem + ".png"), Png16.Encode(Noisy(s, o, o.Seed + i), s.Width, s.Height));
            images.Add(new JsonObject { ["id"] = i + 1, ["file_name"] = stem + ".png", ["width"] = s.Width, ["height"] = s.Height });
            foreach (var obj in s.Description.Objects)
            {
                if (BoxOf(s, obj.Instance) is not { } box) continue;
                if (!categories.TryGetValue(obj.Caption, out var cat)) categories[obj.Caption] = cat = categories.Count + 1;
                annotations.Add(new JsonObject
                {
                    ["id"] = obj.Id, ["image_id"] = i + 1, ["category_id"] = cat,
                    ["bbox"] = new JsonArray(box.X, box.Y, box.Width, box.Height),
                });
            }
        }
        var k = scenes[0].Description.Camera;
        AtomicFile.WriteAllText(Path.Combine(dir, "intrinsics.json"),
            new JsonObject { ["fx"] = k.Fx, ["fy"] = k.Fy, ["cx"] = k.Cx, ["cy"] = k.Cy, ["depth_scale"] = 10000, ["width"] = k.Width, ["height"] = k.Height }.ToJsonString());
        AtomicFile.WriteAllText(Path.Combine(dir, "annotations.json"), new JsonObject
        {
            ["images"] = images, ["annotations"] = annotations,
            ["categories"] = new JsonArray(categories.Select(c => (JsonNode)new JsonObject { ["id"] = c.Value, ["name"] = c.Key }).ToArray()),
        }.ToJsonString());
        return byStem;
    }

    /// <summary>The tight pixel box (COCO [x, y, w, h]) of an instance, or null when it shows no pixel.</summary>
    public static PixelBox? BoxOf(RenderedScene s, int instance)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int i = 0; i < s.Instances.Length; i++)
        {
            if (s.Instances[i] != instance) continue;
            int x = i % s.Width, y = i / s.Width;
            x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y);
        }
        return x1 < 0 ? null : new PixelBox(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>Depth at 0.1 mm steps (depth_scale 10000) with seeded Gaussian noise growing with depth².</summary>
    private static ushort[] Noisy(RenderedScene s, TabletopCheckOptions o, long seed)
    {
        var rng = new Random(unchecked((int)(seed * 2654435761L)));
        var result = new ushort[s.DepthMillimeters.Length];
        for (int i = 0; i < result.Length; i++)
        {
            var mm = s.DepthMillimeters[i];
            if (mm == 0) continue;
            var d = mm / 1000.0;
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            var g = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            var noisy = d + g * (o.DepthNoiseBase + o.DepthNoisePerSquareMeter * d * d);
            result[i] = (ushort)Math.Clamp(Math.Round(noisy * 10000), 1, 65535);
        }
        return result;
    }
}
