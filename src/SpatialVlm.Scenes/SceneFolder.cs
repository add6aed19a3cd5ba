using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Scenes;

/// <summary>
/// A scene folder on disk (INTERFACES.md): image.png, depth.png (16-bit, millimetres), instances.png (16-bit),
/// surfaces.png (16-bit <see cref="SurfaceKind"/> labels; an addition, optional when reading) and scene.json.
/// Every file is written atomically and scene.json last, so a folder with a readable scene.json is complete.
/// </summary>
public static class SceneFolder
{
    public const string SceneFile = "scene.json";
    public const string SurfacesFile = "surfaces.png";

    public static void Write(string dir, RenderedScene scene)
    {
        var d = scene.Description;
        int w = scene.Width, h = scene.Height;
        AtomicFile.WriteAllBytes(Path.Combine(dir, d.Image), ColorImageCodec.EncodePngFast(scene.Image));
        AtomicFile.WriteAllBytes(Path.Combine(dir, d.Depth), Png16.Encode(scene.DepthMillimeters, w, h));
        AtomicFile.WriteAllBytes(Path.Combine(dir, d.Instances), Png16.Encode(scene.Instances, w, h));
        AtomicFile.WriteAllBytes(Path.Combine(dir, SurfacesFile), Png16.Encode(scene.SurfaceIds, w, h));
        AtomicFile.WriteAllText(Path.Combine(dir, SceneFile), d.ToJson());
    }

    /// <summary>True when the folder holds a parseable scene.json and the image, depth and instance files it names.</summary>
    public static bool IsComplete(string dir)
    {
        var json = Path.Combine(dir, SceneFile);
        if (!File.Exists(json)) return false;
        try
        {
            var d = SceneDescription.Load(json);
            return File.Exists(Path.Combine(dir, d.Image)) && File.Exists(Path.Combine(dir, d.Depth)) && File.Exists(Path.Combine(dir, d.Instances));
        }
        catch (SpatialVlmException) { return false; }
    }

    public static RenderedScene Read(string dir)
    {
        if (!Directory.Exists(dir)) throw new SpatialVlmException($"{dir}: no such scene folder");
        var d = SceneDescription.Load(Path.Combine(dir, SceneFile));
        var cam = d.Camera ?? throw new SpatialVlmException($"{Path.Combine(dir, SceneFile)}: no camera");
        if (cam.Width <= 0 || cam.Height <= 0) throw new SpatialVlmException($"{Path.Combine(dir, SceneFile)}: camera size {cam.Width}x{cam.Height} is not positive");
        var image = ColorImageCodec.DecodeFile(Path.Combine(dir, d.Image));
        if (image.Width != cam.Width || image.Height != cam.Height)
            throw new SpatialVlmException($"{Path.Combine(dir, d.Image)}: image is {image.Width}x{image.Height}, scene.json says {cam.Width}x{cam.Height}");
        var depth = Read16(Path.Combine(dir, d.Depth), cam);
        var instances = Read16(Path.Combine(dir, d.Instances), cam);
        var surfacesPath = Path.Combine(dir, SurfacesFile);
        var surfaces = File.Exists(surfacesPath) ? Read16(surfacesPath, cam) : new ushort[cam.Width * cam.Height];
        return new RenderedScene(d, image, depth, instances, surfaces);
    }

    private static ushort[] Read16(string path, SceneCamera cam)
    {
        var (values, w, h) = Png16.ReadFile(path);
        if (w != cam.Width || h != cam.Height)
            throw new SpatialVlmException($"{path}: image is {w}x{h}, scene.json says {cam.Width}x{cam.Height}");
        return values;
    }
}
