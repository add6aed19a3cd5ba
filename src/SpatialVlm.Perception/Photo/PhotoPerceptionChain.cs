using SpatialVlm.Core;
using SpatialVlm.Perception.Depth;

namespace SpatialVlm.Perception.Photo;

/// <summary>
/// The models a <see cref="PhotoPerceptionChain"/> runs. Exactly one of Detector and Captioner proposes objects;
/// Filter is optional; Depth may be left out when the chain only sees RGB-D frames (sensor depth).
/// </summary>
public sealed record PhotoPerceptionModels
{
    public ISceneFilter? Filter { get; init; }
    public IDepthEstimator? Depth { get; init; }
    public IObjectDetector? Detector { get; init; }
    public IRegionCaptioner? Captioner { get; init; }
    public required IBoxSegmenter Segmenter { get; init; }
    public required ITextEmbedder TextEmbedder { get; init; }
}

/// <summary>
/// The paper's perception on a plain photo: scene filter → metric depth → detection from text queries (or region
/// captions) → box-prompted segmentation → mask cleanup (too small; one object found twice, by mask IoU) → caption
/// normalisation → background classes dropped → ambiguity resolution (captions grouped by CLIP text similarity; a group
/// of up to <see cref="PhotoPerceptionOptions.MaxSharedCaption"/> objects, two by default (<see cref="AmbiguityLimit"/>),
/// shares the higher-scoring caption so the question engine names them by position; larger groups are dropped).
/// Every decision goes into the observation's perception notes. A floor (else table) mask found by the support queries
/// becomes the support pixels canonicalization fits the plane to. On an RGB-D frame (<see cref="IRgbdPerception"/>)
/// the sensor's depth and intrinsics replace the depth model and the scene filter is skipped (a sensor capture is a
/// scene); the rest is the same. Thread-safe when the models are.
/// </summary>
public sealed class PhotoPerceptionChain : IPhotoPerception, IRgbdPerception
{
    private readonly PhotoPerceptionModels models;
    private readonly IReadOnlySet<string> background;
    private readonly string[] objectQueries;
    private readonly string[] allQueries;

    public PhotoPerceptionOptions Options { get; }

    public PhotoPerceptionChain(PhotoPerceptionModels models, PhotoPerceptionOptions? options = null)
    {
        Options = options ?? new PhotoPerceptionOptions();
        if ((models.Detector is null) == (models.Captioner is null))
            throw new SpatialVlmException("the photo chain needs exactly one of a detector and a region captioner");
        if (models.Detector is not null && Options.Queries.Count == 0) throw new SpatialVlmException("the detector needs at least one text query");
        if (Options.MinMaskPixels < 1) throw new SpatialVlmException($"minimum mask size must be at least 1 pixel, got {Options.MinMaskPixels}");
        if (Options.MaxSharedCaption < 1) throw new SpatialVlmException($"objects sharing a caption must be at least 1, got {Options.MaxSharedCaption}");
        if (!(Options.SameCaptionCosine is > -1 and <= 1)) throw new SpatialVlmException($"caption similarity threshold must be in (-1, 1], got {Options.SameCaptionCosine}");
        this.models = models;
        background = Options.BackgroundClasses.Select(CaptionText.Normalize).ToHashSet(StringComparer.Ordinal);
        objectQueries = Options.Queries.Select(q => q.Trim()).Where(q => q.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        allQueries = [.. objectQueries, .. Options.SupportQueries.Where(q => !objectQueries.Contains(q, StringComparer.OrdinalIgnoreCase))];
    }

    public string Description =>
        $"{(models.Filter is { } f ? f.Name + " → " : "")}{models.Depth?.Name ?? "sensor depth"} → " +
        $"{(models.Detector is { } d ? $"{d.Name} ({objectQueries.Length} queries)" : models.Captioner!.Name)} → {models.Segmenter.Name}";

    /// <summary>One proposal and what became of it.</summary>
    private sealed class Candidate(int index, PixelBox box, float score, string label)
    {
        public int Index { get; } = index;
        public PixelBox Box { get; set; } = box;
        public float Score { get; } = score;
        public string Label { get; } = label;
        public string Caption { get; set; } = CaptionText.Normalize(label);
        public bool IsObject { get; set; }
        public bool IsSupport { get; set; }
        public int[]? Pixels { get; set; }
        public string? Dropped { get; set; }
        public int? ObjectId { get; set; }
        public bool Alive => Dropped is null;
    }

    public Observation Perceive(string id, RgbImage image, CameraIntrinsics? intrinsics = null)
    {
        if (models.Depth is null) throw new SpatialVlmException("this perception chain has no depth model: it takes RGB-D frames only");
        var notes = new PerceptionNotes();
        if (models.Filter is { } filter)
        {
            var decision = filter.Decide(image);
            var top = decision.Prompts.MaxBy(p => p.Probability);
            notes = notes with
            {
                SceneFilter = new SceneFilterNote(filter.Name, decision.Keep, Math.Round(decision.Score, 4), top?.Prompt,
                    top is null ? null : Math.Round(top.Probability, 4)),
            };
            if (!decision.Keep)
                throw new ImageRejectedException($"scene filter: not a scene for spatial questions (keep score {decision.Score:0.000}{(top is null ? "" : $"; closest prompt '{top.Prompt}'")})", image, notes);
        }

        var depth = models.Depth.Estimate(image, intrinsics);
        notes = notes with { Depth = DepthNoteOf(models.Depth.Name, depth.Focal switch { FocalSource.Given => "given", FocalSource.Model => "model", _ => "field-of-view default" }, depth.Intrinsics) };
        return PerceiveObjects(id, image, depth.Depth, depth.Intrinsics, notes);
    }

    /// <summary>An RGB-D frame: objects from detection and segmentation, depth and intrinsics from the sensor (no depth model, no scene filter).</summary>
    public Observation Perceive(string id, RgbImage image, DepthMap depth, CameraIntrinsics intrinsics)
    {
        if (depth.Width != image.Width || depth.Height != image.Height)
            throw new SpatialVlmException($"{id}: depth is {depth.Width}x{depth.Height} but the colour image is {image.Width}x{image.Height}");
        var notes = new PerceptionNotes { Depth = DepthNoteOf("sensor", "given", intrinsics) };
        return PerceiveObjects(id, image, depth, intrinsics, notes);
    }

    private static DepthNote DepthNoteOf(string model, string focalSource, CameraIntrinsics k) =>
        new(model, focalSource, Math.Round(k.Fx, 2), Math.Round(k.Fy, 2), Math.Round(k.HorizontalFovDegrees, 2));

    /// <summary>Detection → segmentation → cleanup → grouping → support, over metric depth already known.</summary>
    private Observation PerceiveObjects(string id, RgbImage image, DepthMap depth, CameraIntrinsics intrinsics, PerceptionNotes notes)
    {
        var candidates = Propose(image);
        Classify(candidates, image);
        Segment(candidates, image);
        DropDuplicates(candidates);
        notes = notes with { Groups = ResolveAmbiguity(candidates) };

        var objects = new List<ObjectMask>();
        foreach (var c in candidates.Where(c => c.Alive && c.IsObject).OrderByDescending(c => c.Score).ThenBy(c => c.Index))
        {
            c.ObjectId = objects.Count + 1;
            objects.Add(new ObjectMask(c.ObjectId.Value, c.Caption, CaptionText.Normalize(c.Label), c.Pixels!));
        }
        var (supportPixels, supportNote) = Support(candidates, image);
        notes = notes with { Support = supportNote, Detections = candidates.Select(Note).ToList() };
        if (objects.Count == 0)
        {
            var reasons = candidates.GroupBy(c => c.Dropped ?? "support only").Select(g => $"{g.Count()} {Reason(g.Key)}");
            throw new ImageRejectedException($"no usable objects ({candidates.Count} proposals{(candidates.Count == 0 ? "" : ": " + string.Join("; ", reasons))})", image, notes);
        }
        return new Observation
        {
            Id = id, Image = image, Depth = depth, Intrinsics = intrinsics, Objects = objects,
            SupportPixels = supportPixels, Perception = notes,
        };
    }

    private static string Reason(string dropped) { int colon = dropped.IndexOf(':'); return colon < 0 ? dropped : dropped[..colon]; }

    private List<Candidate> Propose(RgbImage image)
    {
        if (models.Detector is { } detector)
            return detector.Detect(image, allQueries).Select((d, i) => new Candidate(i, d.Box, d.Score, d.Label)).ToList();
        // Region captions carry no score; earlier proposals rank higher.
        var regions = models.Captioner!.Propose(image);
        return regions.Select((r, i) => new Candidate(i, r.Box, 1f - (float)i / Math.Max(1, regions.Count), r.Caption)).ToList();
    }

    /// <summary>Clips boxes; marks objects, support-surface proposals and background; drops empty boxes and background classes.</summary>
    private void Classify(List<Candidate> candidates, RgbImage image)
    {
        var support = Options.SupportQueries.Select(CaptionText.Normalize).ToHashSet(StringComparer.Ordinal);
        var queried = objectQueries.Select(CaptionText.Normalize).ToHashSet(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            c.Box = c.Box.ClampTo(image.Width, image.Height);
            c.IsSupport = support.Contains(c.Caption);
            bool isBackground = CaptionText.IsOneOf(c.Caption, background);
            // A captioner's regions are all candidate objects; a detector's only when their query was asked for objects.
            c.IsObject = !isBackground && (models.Captioner is not null || queried.Contains(c.Caption));
            if (c.Box.Width < 1 || c.Box.Height < 1) c.Dropped = "empty box";
            else if (!c.IsObject && !c.IsSupport) c.Dropped = isBackground ? $"background class: '{c.Caption}'" : $"not an object query: '{c.Label}'";
        }
    }

    /// <summary>Segments every live proposal (one encoder pass in the segmenter); drops masks below the minimum size.</summary>
    private void Segment(List<Candidate> candidates, RgbImage image)
    {
        var live = candidates.Where(c => c.Alive).ToList();
        if (live.Count == 0) return;
        var masks = models.Segmenter.Segment(image, live.Select(c => c.Box).ToList());
        if (masks.Count != live.Count)
            throw new SpatialVlmException($"segmenter {models.Segmenter.Name} returned {masks.Count} masks for {live.Count} boxes");
        int n = image.Width * image.Height;
        for (int i = 0; i < live.Count; i++)
        {
            var pixels = masks[i].Pixels.ToArray();
            Array.Sort(pixels);
            if (pixels.Length > 0 && (pixels[0] < 0 || pixels[^1] >= n))
                throw new SpatialVlmException($"segmenter {models.Segmenter.Name} returned pixel indices outside the {image.Width}x{image.Height} image");
            live[i].Pixels = pixels;
            if (pixels.Length < Options.MinMaskPixels) live[i].Dropped = $"small mask: {pixels.Length} pixels < {Options.MinMaskPixels}";
        }
    }

    /// <summary>One physical object found by two queries: masks overlapping above the IoU threshold; the higher score stays.</summary>
    private void DropDuplicates(List<Candidate> candidates)
    {
        var kept = new List<Candidate>();
        foreach (var c in candidates.Where(c => c.Alive && c.IsObject).OrderByDescending(c => c.Score).ThenBy(c => c.Index))
        {
            foreach (var k in kept)
            {
                if (c.Box.Iou(k.Box) == 0) continue;
                var iou = MaskOverlap.Iou(c.Pixels, k.Pixels);
                if (iou > Options.DuplicateMaskIou)
                {
                    c.Dropped = $"duplicate: mask IoU {iou:0.00} with detection {k.Index} ('{k.Caption}', score {k.Score:0.00})";
                    break;
                }
            }
            if (c.Alive) kept.Add(c);
        }
    }

    /// <summary>Groups the remaining objects' captions by text similarity; a group within the ambiguity limit shares the better-scoring caption, larger groups are dropped.</summary>
    private List<CaptionGroupNote> ResolveAmbiguity(List<Candidate> candidates)
    {
        var objects = candidates.Where(c => c.Alive && c.IsObject).ToList();
        var groupOf = CaptionGroups.Assign(objects.Select(o => o.Caption).ToList(), models.TextEmbedder, Options.SameCaptionCosine);
        var notes = new List<CaptionGroupNote>();
        foreach (var group in objects.Select((o, i) => (o, g: groupOf[i])).GroupBy(p => p.g, p => p.o))
        {
            var members = group.OrderByDescending(m => m.Score).ThenBy(m => m.Index).ToList();
            if (members.Count == 1) continue;
            var captions = members.Select(m => m.Caption).ToList();
            string decision;
            if (members.Count <= Options.MaxSharedCaption)
            {
                var shared = members[0].Caption;
                foreach (var m in members) m.Caption = shared;
                decision = $"share caption '{shared}'";
            }
            else
            {
                foreach (var m in members) m.Dropped = $"ambiguous: {members.Count} objects named alike ({string.Join(", ", captions)})";
                decision = "dropped";
            }
            notes.Add(new CaptionGroupNote(members.Select(m => m.Index).ToList(), captions, decision));
        }
        return notes;
    }

    /// <summary>Union of the floor masks, else of the table masks, when large enough; null lets canonicalization search all points.</summary>
    private (int[]? Pixels, SupportNote Note) Support(List<Candidate> candidates, RgbImage image)
    {
        int min = (int)Math.Ceiling(Options.MinSupportShare * image.Width * image.Height);
        var tried = new List<string>();
        foreach (var surface in Options.SupportQueries.Select(CaptionText.Normalize))
        {
            // Dropped duplicates and ambiguous tables still show where the surface is; only empty or tiny masks do not.
            var masks = candidates.Where(c => c.IsSupport && c.Caption == surface && c.Pixels is { Length: > 0 }).ToList();
            if (masks.Count == 0) continue;
            var union = masks.Count == 1 ? masks[0].Pixels! : Union(masks.Select(c => c.Pixels!), image.Width * image.Height);
            if (union.Length >= min)
                return (union, new SupportNote(surface, union.Length, masks.Select(m => m.Index).ToList(), null));
            tried.Add($"{surface} mask has {union.Length} pixels < {min}");
        }
        var why = tried.Count > 0 ? string.Join("; ", tried) : "no support surface detected";
        return (null, new SupportNote(null, null, [], why + "; the plane is searched in all points"));
    }

    /// <summary>Sorted union of pixel-index sets, through one mark per image pixel.</summary>
    private static int[] Union(IEnumerable<int[]> masks, int pixelCount)
    {
        var mark = new bool[pixelCount];
        int count = 0;
        foreach (var mask in masks)
            foreach (var p in mask)
                if (!mark[p]) { mark[p] = true; count++; }
        var union = new int[count];
        for (int i = 0, j = 0; j < count; i++) if (mark[i]) union[j++] = i;
        return union;
    }

    private static DetectionNote Note(Candidate c) => new(c.Index, c.Label, c.Caption, Math.Round(c.Score, 4),
        [Math.Round(c.Box.X0, 1), Math.Round(c.Box.Y0, 1), Math.Round(c.Box.X1, 1), Math.Round(c.Box.Y1, 1)],
        c.Pixels?.Length, c.IsSupport, c.ObjectId is not null, c.ObjectId, c.Dropped ?? (c.ObjectId is null ? "support surface only" : null));
}
