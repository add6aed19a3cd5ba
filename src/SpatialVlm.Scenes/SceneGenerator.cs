using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Renders procedural scenes with exact ground truth. <see cref="Generate"/> depends on the seed and the
/// options only (integer hashing, portable trigonometry, one seeded Random), so any scene can be regenerated
/// alone and gives the same bytes on every machine. Thread-safe: it holds no mutable state.
/// </summary>
public sealed class SceneGenerator
{
    public SceneOptions Options { get; }

    public SceneGenerator(SceneOptions options)
    {
        options.Validate();
        Options = options;
    }

    /// <summary>Scene id for a seed: scene-{seed:D6}.</summary>
    public static string SceneId(long seed) => $"scene-{seed:D6}";

    public RenderedScene Generate(long seed) => GenerateWithLayout(seed).Scene;

    /// <summary>The scene and the layout it was rendered from (after every invisible object was dropped).</summary>
    public (RenderedScene Scene, SceneLayout Layout) GenerateWithLayout(long seed)
    {
        foreach (var candidate in Candidates(seed))
        {
            var layout = candidate;
            while (layout.Objects.Count >= Options.MinObjects)
            {
                var buffers = SceneRenderer.Render(layout, Options.AntiAlias);
                var counts = new int[layout.Objects.Count + 1];
                foreach (var id in buffers.Instances) counts[id]++;
                // The pixel-centre pass of Candidates and this render agree but for rare ties on triangle edges; recheck.
                var kept = KeepVisible(layout.Objects, counts);
                if (kept.Count == layout.Objects.Count)
                    return (new RenderedScene(Describe(SceneId(seed), seed, layout, counts), buffers.Image, buffers.DepthMillimeters, buffers.Instances, buffers.SurfaceIds), layout);
                layout = layout with { Objects = kept };
            }
        }
        throw NoLayout(seed);
    }

    /// <summary>The layout a seed renders, before the final render's recheck (see <see cref="GenerateWithLayout"/>).</summary>
    public SceneLayout Layout(long seed) => Candidates(seed).FirstOrDefault() ?? throw NoLayout(seed);

    /// <summary>
    /// Layouts drawn one after another from the seed's random source: objects showing fewer than
    /// <see cref="SceneOptions.MinVisiblePixels"/> pixels are dropped (with whatever stood on a dropped table)
    /// until all remaining are visible; layouts left with too few objects are skipped.
    /// </summary>
    private IEnumerable<SceneLayout> Candidates(long seed)
    {
        var rng = new Random(Seeds.Scramble(seed));
        for (int attempt = 0; attempt < Options.MaxLayoutAttempts; attempt++)
        {
            var layout = Options.Tabletop ? TabletopLayoutSampler.Sample(rng, Options) : SceneLayoutSampler.Sample(rng, Options);
            while (true)
            {
                var kept = KeepVisible(layout.Objects, SceneRenderer.CountVisiblePixels(layout));
                if (kept.Count == layout.Objects.Count) break;
                layout = layout with { Objects = kept };
            }
            if (layout.Objects.Count >= Options.MinObjects) yield return layout;
        }
    }

    private SpatialVlmException NoLayout(long seed) =>
        new($"seed {seed}: no layout with {Options.MinObjects} visible objects in {Options.MaxLayoutAttempts} attempts");

    private List<PlacedObject> KeepVisible(IReadOnlyList<PlacedObject> objects, int[] counts)
    {
        var min = Options.MinVisiblePixels;
        var tableGone = objects.Select((o, i) => (o, i)).Any(x => x.o.Category == ObjectCatalog.Table && counts[x.i + 1] < min);
        return objects.Where((o, i) => counts[i + 1] >= min && !(tableGone && o.OnTable)).ToList();
    }

    /// <summary>scene.json for a rendered layout; objects with no visible pixel (counts[instance] = 0) are left out.</summary>
    internal static SceneDescription Describe(string id, long seed, SceneLayout layout, int[] counts)
    {
        var k = layout.Intrinsics;
        var objects = layout.Objects.Select((o, i) => (o, i)).Where(x => counts[x.i + 1] > 0).Select(x =>
        {
            var (o, i) = x;
            var b = o.Box;
            return new SceneObject
            {
                Id = i + 1, Instance = i + 1, Category = o.Category.Name, Color = o.Color.Name, Caption = o.Caption,
                Shape = o.Category.Shape,
                Center = [R(b.Center.X), R(b.Center.Y), R(b.Center.Z)],
                Size = [R(b.Width), R(b.Length), R(b.Height)],
                Yaw = R(b.Yaw),
            };
        }).ToList();
        return new SceneDescription
        {
            Id = id, Seed = seed,
            Camera = new SceneCamera
            {
                Width = k.Width, Height = k.Height, Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy,
                WorldFromCamera = layout.WorldFromCamera.ToMatrix4x4(),
            },
            Objects = objects,
        };
    }

    // Micrometre rounding keeps scene.json readable; it is far below the millimetre depth quantization.
    private static double R(double v) => Math.Round(v * 1e6) / 1e6;
}
