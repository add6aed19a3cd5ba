using SpatialVlm.Core;

namespace SpatialVlm.Questions.Tests;

/// <summary>Random scenes of distinctly captioned boxes on the floor or on a 0.75 m table.</summary>
internal static class Scenes
{
    static readonly string[] Captions =
    [
        "red mug", "blue box", "green chair", "lamp", "wooden table", "white vase", "black laptop", "yellow ball",
        "potted plant", "cardboard box", "silver kettle", "orange cushion", "bookshelf", "trash can",
    ];

    public static List<SpatialObject> Random(Random rng, int count)
    {
        var captions = Captions.OrderBy(_ => rng.Next()).Take(count).ToArray();
        var list = new List<SpatialObject>();
        for (int i = 0; i < count; i++)
        {
            double w = 0.05 + rng.NextDouble() * 0.9, l = 0.05 + rng.NextDouble() * 0.9, h = 0.05 + rng.NextDouble() * 1.1;
            double bottom = rng.Next(3) == 0 ? 0.75 : 0;
            var center = new Point3(1 + rng.NextDouble() * 4, -2 + rng.NextDouble() * 4, bottom + h / 2);
            list.Add(new SpatialObject(i + 1, captions[i], UprightBox.Create(center, w, l, h, rng.NextDouble() * 6.28 - 3.14)));
        }
        return list;
    }

    public static SpatialObject Box(int id, string caption, double forward, double left, double bottom = 0, double w = 0.2, double l = 0.15, double h = 0.2) =>
        new(id, caption, UprightBox.Create(new Point3(forward, left, bottom + h / 2), w, l, h, 0));
}
