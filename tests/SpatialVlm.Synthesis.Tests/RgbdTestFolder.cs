using System.Text.Json.Nodes;

namespace SpatialVlm.Synthesis.Tests;

/// <summary>
/// A temporary RGB-D folder (color/, depth/, intrinsics.json, optional annotations.json) built from the shared frames
/// in ../shared/data/rgbd, which are copied into the temp folder, never into the repository. Deleted on dispose.
/// </summary>
public sealed class RgbdTestFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("rgbd-src-").FullName;

    public RgbdTestFolder(string intrinsicsJson = """{"fx":525,"fy":525,"cx":319.5,"cy":239.5,"depth_scale":1000}""")
    {
        Directory.CreateDirectory(Path.Combine(Root, "color"));
        Directory.CreateDirectory(Path.Combine(Root, "depth"));
        File.WriteAllText(Path.Combine(Root, "intrinsics.json"), intrinsicsJson);
    }

    public static string SharedData(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "SpatialVlm.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, "..", "shared", "data", .. parts]);
    }

    /// <summary>Copies a shared colour/depth pair in under the given stem (keeping each file's extension).</summary>
    public RgbdTestFolder AddShared(string stem, string sharedColor, string sharedDepth)
    {
        File.Copy(SharedData(["rgbd", .. sharedColor.Split('/')]), ColorPath(stem + Path.GetExtension(sharedColor)));
        File.Copy(SharedData(["rgbd", .. sharedDepth.Split('/')]), Path.Combine(Root, "depth", stem + Path.GetExtension(sharedDepth)));
        return this;
    }

    public string ColorPath(string fileName) => Path.Combine(Root, "color", fileName);
    public string DepthPath(string fileName) => Path.Combine(Root, "depth", fileName);

    /// <summary>Writes annotations.json: one image per (file name, objects), categories numbered in order of first use.</summary>
    public void WriteAnnotations(params (string File, (string Category, JsonObject Fields)[] Objects)[] images)
    {
        var categories = new List<string>();
        var imageArray = new JsonArray();
        var annotationArray = new JsonArray();
        int annotationId = 1;
        for (int i = 0; i < images.Length; i++)
        {
            imageArray.Add(new JsonObject { ["id"] = i + 1, ["file_name"] = images[i].File, ["width"] = 640, ["height"] = 480 });
            foreach (var (category, fields) in images[i].Objects)
            {
                if (!categories.Contains(category)) categories.Add(category);
                var a = new JsonObject { ["id"] = annotationId++, ["image_id"] = i + 1, ["category_id"] = categories.IndexOf(category) + 1 };
                foreach (var (k, v) in fields) a[k] = v?.DeepClone();
                annotationArray.Add(a);
            }
        }
        var root = new JsonObject
        {
            ["images"] = imageArray,
            ["annotations"] = annotationArray,
            ["categories"] = new JsonArray(categories.Select((c, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["name"] = c }).ToArray()),
        };
        File.WriteAllText(Path.Combine(Root, "annotations.json"), root.ToJsonString());
    }

    public static JsonObject Box(double x, double y, double w, double h) => new() { ["bbox"] = new JsonArray(x, y, w, h) };

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
