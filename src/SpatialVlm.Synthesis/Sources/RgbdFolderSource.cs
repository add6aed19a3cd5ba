using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>Knobs of <see cref="RgbdFolderSource"/>.</summary>
public sealed record RgbdSourceOptions
{
    /// <summary>Support-plane search used to separate boxed objects from the floor or table (same defaults as the pipeline's).</summary>
    public CanonicalizationOptions Canonicalization { get; init; } = new();
    /// <summary>How a box-only annotation becomes a mask.</summary>
    public BoxSegmentationOptions BoxSegmentation { get; init; } = new();
    /// <summary>
    /// Colour decoding. EXIF orientation is not applied by default: depth frames carry none, so the colour pixels must
    /// stay on the sensor's grid to register with the depth and the annotations.
    /// </summary>
    public ColorDecodeOptions Decode { get; init; } = new() { ApplyExifOrientation = false };
    /// <summary>Depths beyond this are ignored when finding the support plane (meters). Default 20.</summary>
    public float MaxDepth { get; init; } = 20f;
}

/// <summary>
/// An RGB-D folder (INTERFACES.md "Input folders"): color/ and depth/ with matching file stems, intrinsics.json, and
/// optionally annotations.json in COCO format. Annotated objects are used as given: segmentations (polygons, RLE)
/// as masks, box-only objects separated from support and background by <see cref="BoxSegmentation"/>. Without
/// annotations.json the detection models propose the objects (<see cref="IRgbdPerception"/>, given by the caller) over
/// the sensor's depth and intrinsics; without either, frames fail with a one-line reason, as does any unreadable file;
/// the run counts them and goes on.
/// </summary>
public sealed class RgbdFolderSource : IObservationSource
{
    private static readonly string[] ColorExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".ppm", ".pnm", ".gif"];
    private static readonly string[] DepthExtensions = [".png", ".pgm"];

    private readonly string root;
    private readonly RgbdSourceOptions options;
    private readonly RgbdIntrinsics intrinsics;
    private readonly CocoAnnotations? annotations;
    private readonly IRgbdPerception? perception;
    private readonly Dictionary<string, (string Color, string? Depth)> files;

    /// <param name="perception">Proposes objects when the folder has no annotations.json (ignored when it has one).</param>
    public RgbdFolderSource(string root, RgbdSourceOptions? options = null, IRgbdPerception? perception = null)
        : this(root, options, perception is null ? null : () => perception) { }

    /// <param name="openPerception">Opens the perception models, called only when the folder has no annotations.json and
    /// only after the folder itself (intrinsics, file pairs) has been read, so a bad folder is reported before models load.</param>
    public RgbdFolderSource(string root, RgbdSourceOptions? options, Func<IRgbdPerception>? openPerception)
    {
        if (!Matches(root)) throw new SpatialVlmException($"{root}: not an RGB-D folder (needs color/ and depth/)");
        this.root = root;
        this.options = options ?? new RgbdSourceOptions();
        intrinsics = RgbdIntrinsics.Load(Path.Combine(root, "intrinsics.json"));
        var annotationPath = Path.Combine(root, "annotations.json");
        annotations = File.Exists(annotationPath) ? CocoAnnotations.Load(annotationPath) : null;
        var depthByStem = StemIndex(Path.Combine(root, "depth"), DepthExtensions, "depth");
        var colorByStem = StemIndex(Path.Combine(root, "color"), ColorExtensions, "color");
        files = colorByStem.ToDictionary(kv => kv.Key, kv => (kv.Value, depthByStem.GetValueOrDefault(kv.Key)), StringComparer.Ordinal);
        Items = files.Keys.Order(StringComparer.Ordinal).Select(stem => new SourceItem(stem, SceneFolderSource.StableSeed(stem))).ToList();
        perception = annotations is null ? openPerception?.Invoke() : null;
    }

    public static bool Matches(string dir) => Directory.Exists(Path.Combine(dir, "color")) && Directory.Exists(Path.Combine(dir, "depth"));

    public string Description => $"{Items.Count} RGB-D frames in {root} ({DepthDecoding.FormatName(intrinsics.Format)} depth" +
        (annotations is not null ? ")" : perception is not null ? $"; objects from {perception.Description})" : ", no annotations)");
    public IReadOnlyList<SourceItem> Items { get; }

    public Observation Load(SourceItem item)
    {
        var (colorPath, depthPath) = files[item.Id];
        // Checked before decoding: without objects there is nothing to do with the pixels.
        if (annotations is null && perception is null)
            throw new SpatialVlmException($"{colorPath}: no annotations.json, and no detection models were given to propose objects");
        var fileName = Path.GetFileName(colorPath);
        if (annotations is not null && !annotations.HasImage(fileName)) throw new SpatialVlmException($"{colorPath}: {fileName} is not among annotations.json's images");
        if (depthPath is null) throw new SpatialVlmException($"{colorPath}: no depth file with this stem in depth/");
        var image = ColorImageFile.DecodeFile(colorPath, options.Decode);
        var depth = DepthDecoding.DecodeFile(depthPath, intrinsics.Format, intrinsics.DepthScale);
        if (depth.Width != image.Width || depth.Height != image.Height)
            throw new SpatialVlmException($"{depthPath}: depth is {depth.Width}x{depth.Height} but the colour image is {image.Width}x{image.Height}");
        var k = intrinsics.For(image.Width, image.Height, item.Id);

        var bare = new Observation { Id = item.Id, Image = image, Depth = depth, Intrinsics = k, Objects = [] };
        var synthesis = new SynthesisOptions { Canonicalization = options.Canonicalization, MaxDepth = options.MaxDepth };
        var canonicalizer = new Canonicalizer(synthesis);
        var seed = (int)(item.Seed & int.MaxValue);
        // Known gravity (intrinsics.json) gives the frame when a support plane perpendicular to it is found; it becomes
        // the observation's known pose, so the pipeline still estimates its own and records the disagreement.
        var known = intrinsics.Gravity is { } gravity ? canonicalizer.FromGravity(bare, gravity, seed) : null;
        RigidTransform? knownPose = known is { Canonicalized: true } ? known.WorldFromCamera : null;
        // Support pixels come from the depth's own estimate when it has one, so the pipeline's estimate stays independent
        // of the known gravity and their disagreement means something.
        FrameEstimate Estimated() => canonicalizer.Estimate(bare, seed);
        int[]? Support(FrameEstimate estimated) =>
            estimated.Canonicalized ? SupportPixels(depth, k, estimated) : known is { Canonicalized: true } ? SupportPixels(depth, k, known) : null;
        if (annotations is null)
        {
            var perceived = perception!.Perceive(item.Id, image, depth, k) with { Id = item.Id };
            if (knownPose is not null) perceived = perceived with { KnownWorldFromCamera = knownPose };
            if (perceived.SupportPixels is not null) return perceived;
            return perceived with { SupportPixels = Support(Estimated()) };
        }
        var estimate = Estimated();
        var frame = known is { Canonicalized: true } ? known : estimate;
        var annotated = annotations.For(fileName);
        // A box that misses the image is an annotation error, named as such (not blamed later on "too few points").
        foreach (var a in annotated)
            if (a.Box is { } b && (b.X >= depth.Width || b.Y >= depth.Height || b.X + b.Width <= 0 || b.Y + b.Height <= 0))
                throw new SpatialVlmException($"{item.Id}: annotation {a.Id} ({a.Category}) has a box [{b.X:0.#}, {b.Y:0.#}, {b.Width:0.#}, {b.Height:0.#}] wholly outside the {depth.Width}x{depth.Height} image");
        var boxes = annotated.Where(a => a.Segmentation is null && a.Box is not null).ToList();
        var pixels = annotated.ToDictionary(a => a, a => MaskOf(a, depth, k, frame, $"{item.Id}/{a.Id}", boxes));
        // Box-only objects of one image are settled together: touching objects and boxes holding a neighbour's part.
        var resolved = BoxMaskResolution.Resolve(depth, boxes.Select(a => a.Box!.Value).ToList(), boxes.Select(a => pixels[a]).ToList());
        for (int i = 0; i < boxes.Count; i++) pixels[boxes[i]] = resolved[i];
        var objects = annotated.Select(a => new ObjectMask(a.Id, a.Category, a.Category, pixels[a])).ToList();
        return bare with { Objects = objects, SupportPixels = Support(estimate), KnownWorldFromCamera = knownPose };
    }

    private int[] MaskOf(CocoObject a, DepthMap depth, CameraIntrinsics k, FrameEstimate frame, string source, List<CocoObject> boxOnly) => a.Segmentation switch
    {
        CocoRle rle => CocoMasks.FromRle(rle, depth.Width, depth.Height, source),
        CocoPolygons p => CocoMasks.FromPolygons(p.Polygons, depth.Width, depth.Height),
        _ => BoxSegmentation.Segment(depth, k, a.Box!.Value, frame.Canonicalized ? frame.WorldFromCamera : null, options.BoxSegmentation,
            boxOnly.Where(o => !ReferenceEquals(o, a)).Select(o => o.Box!.Value).ToList()),
    };

    /// <summary>Pixels on the support plane (within the RANSAC distance), so occlusion tests do not count the floor as an occluder.</summary>
    private int[] SupportPixels(DepthMap depth, CameraIntrinsics k, FrameEstimate frame)
    {
        var t = frame.WorldFromCamera;
        var limit = options.Canonicalization.PlaneDistance;
        var result = new List<int>();
        for (int y = 0; y < depth.Height; y++)
            for (int x = 0; x < depth.Width; x++)
            {
                var d = depth[x, y];
                if (DepthMap.IsValid(d) && d <= options.MaxDepth && Math.Abs(t.Apply(k.BackProject(x, y, d)).Z) <= limit) result.Add(y * depth.Width + x);
            }
        return [.. result];
    }

    public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded)
    {
        var path = files[item.Id].Color;
        var ext = Path.GetExtension(path).ToLowerInvariant();
        // Netpbm is not a format dataset viewers read; store those as PNG.
        return ext is ".ppm" or ".pnm" ? (ColorImageCodec.EncodePng(loaded.Image), ".png") : (RegularFile.ReadAllBytes(path), ext);
    }

    private static Dictionary<string, string> StemIndex(string dir, string[] extensions, string what)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            if (!extensions.Contains(Path.GetExtension(path).ToLowerInvariant())) continue;
            var stem = Path.GetFileNameWithoutExtension(path);
            if (!index.TryAdd(stem, path))
                throw new SpatialVlmException($"{dir}: two {what} files share the stem '{stem}' ({Path.GetFileName(index[stem])}, {Path.GetFileName(path)})");
        }
        return index;
    }
}
