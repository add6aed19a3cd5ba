using SpatialVlm.Core;
using SpatialVlm.Scenes;

namespace SpatialVlm.Scenes.Tests;

public class VarietyTests
{
    private static readonly Lazy<SceneDescription[]> Descriptions = new(() => new SceneBatch(SceneFixtures.Small, null).Run(500, 80));

    [Fact]
    public void ScenesVaryInCategoriesCountsCamerasAndSupports()
    {
        var stats = SceneStatistics.Of(Descriptions.Value);
        Assert.True(stats.Categories.Count >= 15, $"only {stats.Categories.Count} categories: {string.Join(", ", stats.Categories.Keys)}");
        Assert.True(stats.ObjectCounts.Keys.Min() >= 3 && stats.ObjectCounts.Keys.Max() <= 12);
        Assert.True(stats.ObjectCounts.Count >= 5, "object counts barely vary");
        Assert.True(stats.ScenesWithDuplicateCaptions > 0, "no scene repeats a caption");
        Assert.True(stats.ObjectsAboveFloor > 0, "nothing stands on a table");
        Assert.True(stats.CameraHeights.Max() - stats.CameraHeights.Min() > 0.6);
        Assert.True(stats.ObjectDistances.Max() > 3 && stats.ObjectDistances.Min() < 1.5);
        var text = stats.Format();
        Assert.Contains("objects per scene", text);
        Assert.Contains("camera height", text);
    }

    [Fact]
    public void CatalogHasRealisticSizes()
    {
        // Nominal heights of a few categories at their middle scale, in meters.
        var expected = new Dictionary<string, (double Min, double Max)>
        {
            ["mug"] = (0.07, 0.14), ["can"] = (0.10, 0.15), ["bottle"] = (0.2, 0.45), ["chair"] = (0.7, 1.05),
            ["table"] = (0.68, 0.8), ["trash bin"] = (0.3, 0.75), ["ball"] = (0.08, 0.3),
        };
        Assert.True(ObjectCatalog.All.Count >= 15);
        foreach (var (name, (min, max)) in expected)
        {
            var c = ObjectCatalog.All.Single(x => x.Name == name);
            for (int seed = 0; seed < 10; seed++)
            {
                var model = c.Build(new Random(seed), (c.Scale.Min + c.Scale.Max) / 2, false);
                var zs = model.Triangles.SelectMany(t => new[] { t.A.Z, t.B.Z, t.C.Z }).ToArray();
                Assert.Equal(0, zs.Min(), 9);
                Assert.InRange(zs.Max(), min, max);
            }
        }
    }
}
