using System.Globalization;
using SkiaSharp;
using SpatialVlm.Core;

namespace SpatialVlm.Rewards;

/// <summary>What kind of input the frames came from.</summary>
public enum FrameSourceKind { Images, SceneSequence, Rgbd, Video }

/// <summary>
/// One frame: its index in the sequence, the image a model is shown, its size, and what its camera is known to be
/// (a scene folder's intrinsics and pose, an RGB-D folder's intrinsics; empty for bare images).
/// </summary>
public sealed record SequenceFrame(int Index, string ImagePath, int Width, int Height, string Camera);

/// <summary>The frames of one sequence, in order, and where they came from.</summary>
public sealed record FrameSequence(FrameSourceKind Kind, string Source, IReadOnlyList<SequenceFrame> Frames)
{
    /// <summary>The colour formats a frame may be (as the RGB-D and photo readers take them).</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp"];

    public string KindName => Kind switch
    {
        FrameSourceKind.Images => "images",
        FrameSourceKind.SceneSequence => "scene-sequence",
        FrameSourceKind.Rgbd => "rgbd",
        _ => "video",
    };

    /// <summary>
    /// The frames of a folder, in this order of recognition: a procedural sequence (folders with scene.json, or a
    /// scene folder's frames/), an RGB-D folder (color/, depth/, intrinsics.json: the colour files), or a folder of
    /// images. Sorted by name (ordinal). An empty folder, or one with no frames, is a one-line error.
    /// </summary>
    public static FrameSequence FromFolder(string dir)
    {
        if (!Directory.Exists(dir)) throw new SpatialVlmException($"{dir}: no such folder or video file");
        var full = Path.GetFullPath(dir);
        if (Directory.Exists(Path.Combine(full, "frames")) && SceneFrameDirs(Path.Combine(full, "frames")).Count > 0)
            full = Path.Combine(full, "frames");
        var sceneDirs = SceneFrameDirs(full);
        if (sceneDirs.Count > 0)
        {
            var frames = sceneDirs.Select((d, i) =>
            {
                var scene = SceneDescription.Load(Path.Combine(d, "scene.json"));
                var image = Path.Combine(d, scene.Image);
                if (!File.Exists(image)) throw new SpatialVlmException($"{d}: scene.json names {scene.Image}, which is missing");
                var (w, h) = ImageSize(image);
                var c = scene.Camera;
                var pose = string.Join(",", c.WorldFromCamera.SelectMany(r => r).Select(v => v.ToString("0.######", CultureInfo.InvariantCulture)));
                return new SequenceFrame(i, image, w, h,
                    string.Create(CultureInfo.InvariantCulture, $"fx {c.Fx:0.###} fy {c.Fy:0.###} cx {c.Cx:0.###} cy {c.Cy:0.###} pose {pose}"));
            }).ToList();
            return new FrameSequence(FrameSourceKind.SceneSequence, full, frames);
        }
        if (Directory.Exists(Path.Combine(full, "color")) && Directory.Exists(Path.Combine(full, "depth")) && File.Exists(Path.Combine(full, "intrinsics.json")))
        {
            var intrinsics = File.ReadAllText(Path.Combine(full, "intrinsics.json")).ReplaceLineEndings(" ").Trim();
            var images = ImagesIn(Path.Combine(full, "color"));
            if (images.Count == 0) throw new SpatialVlmException($"{dir}: the RGB-D folder's color/ holds no images ({string.Join(", ", ImageExtensions)})");
            return new FrameSequence(FrameSourceKind.Rgbd, full, images.Select((p, i) => Frame(i, p, intrinsics)).ToList());
        }
        var files = ImagesIn(full);
        if (files.Count == 0)
            throw new SpatialVlmException($"{dir}: no frames (neither images ({string.Join(", ", ImageExtensions)}) nor scene folders with scene.json nor an RGB-D folder)");
        return new FrameSequence(FrameSourceKind.Images, full, files.Select((p, i) => Frame(i, p, "")).ToList());
    }

    /// <summary>The images of a folder (not recursive) as a sequence of the given kind, or null when it holds none.</summary>
    public static FrameSequence? FromFolderOfImages(string dir, FrameSourceKind kind, string source)
    {
        var files = ImagesIn(dir);
        return files.Count == 0 ? null : new FrameSequence(kind, source, files.Select((p, i) => Frame(i, p, "")).ToList());
    }

    /// <summary>Every frame is the same size, or a one-line error naming the first frame that is not.</summary>
    public void RequireOneSize()
    {
        var first = Frames[0];
        foreach (var f in Frames)
            if (f.Width != first.Width || f.Height != first.Height)
                throw new SpatialVlmException(
                    $"frames differ in size: {Path.GetFileName(first.ImagePath)} is {first.Width}x{first.Height} but {Path.GetFileName(f.ImagePath)} (frame {f.Index}) is {f.Width}x{f.Height}; " +
                    "one fixed camera gives one size (pass --camera moving if the frames truly come from a moving camera)");
    }

    public bool OneSize => Frames.All(f => f.Width == Frames[0].Width && f.Height == Frames[0].Height);
    public bool OneCamera => Frames.All(f => f.Camera == Frames[0].Camera);

    private static SequenceFrame Frame(int index, string path, string camera)
    {
        var (w, h) = ImageSize(path);
        return new SequenceFrame(index, path, w, h, camera);
    }

    private static List<string> SceneFrameDirs(string dir) =>
        Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, "scene.json"))).Order(StringComparer.Ordinal).ToList();

    private static List<string> ImagesIn(string dir) =>
        Directory.GetFiles(dir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();

    /// <summary>Width and height from the file's header, or a one-line error for a file that is not an image.</summary>
    public static (int Width, int Height) ImageSize(string path)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new SpatialVlmException($"{path}: not a readable image");
        return (codec.Info.Width, codec.Info.Height);
    }
}
