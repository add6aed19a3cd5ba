using System.Globalization;
using SpatialVlm.Core;
using SpatialVlm.Questions;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Pictures;

/// <summary>An 8-bit colour an overlay draws with.</summary>
public readonly record struct OverlayColor(byte R, byte G, byte B);

/// <summary>
/// One object in an overlay: its mask, its label lines (referring name and measured size, or caption and why it
/// was skipped), and its measured upright box in the world frame when it has one.
/// </summary>
public sealed record OverlayObject(int Id, int[] Pixels, OverlayColor Color, IReadOnlyList<string> Label, UprightBox? Box, bool DashedBox);

/// <summary>A pixel rectangle with a short note, drawn thin and dashed: a detection perception dropped.</summary>
public sealed record OverlayNote(double X0, double Y0, double X1, double Y1, string Text);

/// <summary>
/// Everything one overlay shows, decided without drawing: the image, the objects, the support pixels to shade, the
/// legend lines, dropped detections, and the failure reason of a failed image. Boxes are projected with
/// <see cref="CameraFromWorld"/> (the inverse of the frame the questions were asked in) and the intrinsics.
/// </summary>
public sealed record OverlayContent(
    RgbImage Image,
    CameraIntrinsics? Intrinsics,
    RigidTransform? CameraFromWorld,
    IReadOnlyList<OverlayObject> Objects,
    int[] SupportPixels,
    IReadOnlyList<string> Legend,
    IReadOnlyList<OverlayNote> DroppedDetections,
    string? Failure)
{
    /// <summary>Object colours, assigned by the object's rank among the observation's mask ids.</summary>
    public static readonly IReadOnlyList<OverlayColor> Palette =
    [
        new(255, 64, 64), new(40, 170, 255), new(255, 215, 0), new(80, 230, 80), new(240, 90, 240), new(255, 150, 40),
        new(150, 120, 255), new(0, 230, 200), new(200, 255, 90), new(255, 120, 160),
    ];

    /// <summary>Skipped objects and unnamed measured objects.</summary>
    public static readonly OverlayColor Grey = new(175, 175, 175);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>What the engine concluded about a successful image.</summary>
    /// <param name="planeDistance">Points within this height of the support plane (z = 0) are shaded as its inliers.</param>
    public static OverlayContent FromResult(SynthesisResult r, double planeDistance)
    {
        var obs = r.Observation;
        var colorOf = ColorsByRank(obs.Objects);
        var masks = obs.Objects.ToDictionary(m => m.Id);
        var objects = new List<OverlayObject>();
        foreach (var m in r.Objects.OrderBy(m => m.Spatial.Id))
        {
            var s = m.Spatial;
            var b = s.Box;
            var size = $"{b.Width.ToString("0.00", Inv)}×{b.Length.ToString("0.00", Inv)}×{b.Height.ToString("0.00", Inv)} m";
            if (r.Questions.Names.TryGetValue(s.Id, out var name))
                objects.Add(new OverlayObject(s.Id, m.Source.Mask.Pixels, colorOf[s.Id], [name, s.SizeKnown ? size : $"≥ {size}, no size questions"], b, !s.SizeKnown));
            else
            {
                var why = r.Questions.Skipped.FirstOrDefault(q => q.A == s.Id && q.Type == SkipReasons.AnyType)?.Reason ?? "not named";
                objects.Add(new OverlayObject(s.Id, m.Source.Mask.Pixels, Grey, [s.Caption, $"skipped: {why}"], b, true));
            }
        }
        var skippedObjects = 0;
        foreach (var skip in r.Skipped.Where(s => s.Scope == "object"))
        {
            var slash = skip.Id.LastIndexOf('/');
            if (!int.TryParse(skip.Id[(slash + 1)..], NumberStyles.Integer, Inv, out var id) || !masks.TryGetValue(id, out var mask)) continue;
            skippedObjects++;
            objects.Add(new OverlayObject(id, mask.Pixels, Grey, [mask.Caption, $"skipped: {Short(skip.Reason)}"], null, false));
        }

        var support = r.Frame.Canonicalized ? PlaneInliers(obs, r.Frame.WorldFromCamera, planeDistance, objects) : obs.SupportPixels ?? [];
        var legend = new List<string> { FrameLine(r.Frame) };
        if (r.Frame.Canonicalized)
        {
            var axis = r.Frame.WorldFromCamera.Rotate(new Point3(0, 0, 1));
            var pitch = Math.Asin(Math.Clamp(-axis.Z, -1, 1)) * 180 / Math.PI;
            legend.Add($"camera {pitch.ToString("0.0", Inv)}° below horizontal, {r.Frame.WorldFromCamera.Translation.Z.ToString("0.00", Inv)} m above the plane");
        }
        if (support.Length > 0)
            legend.Add(r.Frame.Canonicalized
                ? $"support plane: {support.Length} px within {(planeDistance * 100).ToString("0.#", Inv)} cm (shaded)"
                : $"support mask: {support.Length} px (shaded)");
        legend.Add($"{objects.Count - skippedObjects} measured, {skippedObjects} skipped, {r.Questions.Items.Count} QA");
        if (objects.Any(o => o.DashedBox)) legend.Add("dashed box: no size questions");
        legend.AddRange(PerceptionLines(obs.Perception));
        return new OverlayContent(obs.Image, obs.Intrinsics, r.Frame.WorldFromCamera.Inverse(), objects, support, legend, DroppedNotes(obs.Perception), null);
    }

    /// <summary>
    /// A failed image: the image, any masks perception had produced (grey, captions only), its perception notes and the
    /// reason it failed. <paramref name="masks"/> is empty when perception rejected the image before making objects.
    /// </summary>
    public static OverlayContent FromFailure(RgbImage image, IReadOnlyList<ObjectMask> masks, PerceptionNotes? perception, string reason)
    {
        var objects = masks.OrderBy(m => m.Id).Select(m => new OverlayObject(m.Id, m.Pixels, Grey, [m.Caption], null, false)).ToList();
        var legend = new List<string> { $"{objects.Count} objects, not measured" };
        legend.AddRange(PerceptionLines(perception));
        return new OverlayContent(image, null, null, objects, [], legend, DroppedNotes(perception), reason);
    }

    private static Dictionary<int, OverlayColor> ColorsByRank(IReadOnlyList<ObjectMask> masks)
    {
        var ids = masks.Select(m => m.Id).Order().ToList();
        return ids.Select((id, rank) => (id, rank)).ToDictionary(p => p.id, p => Palette[p.rank % Palette.Count]);
    }

    private static string FrameLine(FrameEstimate f) => f.Source switch
    {
        "known" => "frame: known gravity" + (f.GravityDisagreementDegrees is { } d ? $" (estimate within {d.ToString("0.0", Inv)}°)" : " (no estimate to compare)"),
        "support-mask" => "frame: estimated (RANSAC on the support mask)",
        "ransac" => "frame: estimated (RANSAC on all points)",
        _ => $"frame: camera fallback ({f.Failure ?? "no support plane"})",
    };

    /// <summary>Pixels with valid depth whose point lies within <paramref name="distance"/> of the plane z = 0, outside every drawn mask.</summary>
    private static int[] PlaneInliers(Observation obs, RigidTransform worldFromCamera, double distance, List<OverlayObject> objects)
    {
        int w = obs.Depth.Width, h = obs.Depth.Height;
        var onObject = new bool[w * h];
        foreach (var o in objects) foreach (var p in o.Pixels) onObject[p] = true;
        var k = obs.Intrinsics;
        var r = worldFromCamera.Rotation;
        var tz = worldFromCamera.Translation.Z;
        var inliers = new List<int>();
        for (int y = 0; y < h; y++)
        {
            double ry = (y - k.Cy) / k.Fy;
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                var d = obs.Depth.Meters[i];
                if (onObject[i] || !DepthMap.IsValid(d)) continue;
                // World z of the back-projected pixel: the third row of the rotation, plus the camera height.
                var z = d * (r[6] * (x - k.Cx) / k.Fx + r[7] * ry + r[8]) + tz;
                if (Math.Abs(z) <= distance) inliers.Add(i);
            }
        }
        return [.. inliers];
    }

    /// <summary>Scene filter and depth notes of a photo's perception, one line each.</summary>
    private static IEnumerable<string> PerceptionLines(PerceptionNotes? perception)
    {
        if (perception is null) yield break;
        if (perception.SceneFilter is { } filter)
            yield return $"scene filter: keep score {filter.Score.ToString("0.00", Inv)}{(filter.Keep ? "" : " (rejected)")}";
        if (perception.Depth is { } depth)
            yield return $"depth: {depth.Model} ({depth.FocalSource} focal)";
        if (perception.Detections.Count > 0)
            yield return $"detections: {perception.Detections.Count(d => d.Kept)} kept, {perception.Detections.Count(d => !d.Kept)} dropped (dashed)";
    }

    private static List<OverlayNote> DroppedNotes(PerceptionNotes? perception)
    {
        var notes = new List<OverlayNote>();
        foreach (var d in perception?.Detections ?? [])
        {
            if (d.Dropped is not { } why || d.Box is not { Length: 4 } box) continue;
            if (why == "support surface only") continue; // the support surface is shaded, not boxed
            notes.Add(new OverlayNote(box[0], box[1], box[2], box[3], $"{d.Label}: {Short(why)}"));
        }
        return notes;
    }

    /// <summary>A reason without its long parenthetical ("mostly hidden (45 % of its outline …)" → "mostly hidden"); short ones are kept whole.</summary>
    public static string Short(string reason)
    {
        var open = reason.IndexOf(" (", StringComparison.Ordinal);
        if (open < 0 || reason.Length - open <= 14) return reason;
        var colon = reason.IndexOf(':');
        return reason[..(colon > 0 && colon < open ? colon : open)];
    }
}
