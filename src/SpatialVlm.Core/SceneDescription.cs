using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpatialVlm.Core;

/// <summary>scene.json of INTERFACES.md: a scene with exact ground truth in the canonical world frame.</summary>
public sealed record SceneDescription
{
    public required string Id { get; init; }
    public long Seed { get; init; }
    public string Image { get; init; } = "image.png";
    public string Depth { get; init; } = "depth.png";
    public double DepthScale { get; init; } = 1000;
    public string Instances { get; init; } = "instances.png";
    public required SceneCamera Camera { get; init; }
    public required IReadOnlyList<SceneObject> Objects { get; init; }
    /// <summary>A robot sequence's state in this frame (tabletop pick-and-place frames only; absent elsewhere).</summary>
    public SceneRobot? Robot { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SceneDescription Parse(string json, string source = "scene.json")
    {
        SceneDescription? s;
        try { s = JsonSerializer.Deserialize<SceneDescription>(json, Json); }
        catch (JsonException e) { throw new SpatialVlmException($"{source}: not a valid scene description ({e.Message.Split('\n')[0]})", e); }
        return (s ?? throw new SpatialVlmException($"{source}: empty scene description")).Validated(source);
    }

    /// <summary>Loads and checks a scene.json: its image, depth and instance files must lie in its own folder.</summary>
    public static SceneDescription Load(string path)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such file");
        var scene = Parse(RegularFile.ReadAllText(path), path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        ContainedPath.Resolve(dir, scene.Image, $"{path}: image");
        ContainedPath.Resolve(dir, scene.Depth, $"{path}: depth");
        ContainedPath.Resolve(dir, scene.Instances, $"{path}: instances");
        return scene;
    }

    /// <summary>Missing or null parts named in one line, instead of failing later on a null.</summary>
    private SceneDescription Validated(string source)
    {
        if (string.IsNullOrWhiteSpace(Id)) throw new SpatialVlmException($"{source}: id is missing or empty");
        if (Objects is null) throw new SpatialVlmException($"{source}: objects is missing or null (give [] for a scene without objects)");
        if (Camera is null) throw new SpatialVlmException($"{source}: camera is missing or null");
        if (Camera.WorldFromCamera is not { Length: 4 } m || m.Any(r => r is not { Length: 4 }))
            throw new SpatialVlmException($"{source}: camera.world_from_camera must be a 4x4 matrix");
        if (Image is null || Depth is null || Instances is null) throw new SpatialVlmException($"{source}: image, depth and instances must be file names, not null");
        for (int i = 0; i < Objects.Count; i++)
        {
            var o = Objects[i];
            if (o is null) throw new SpatialVlmException($"{source}: objects[{i}] is null");
            if (o.Center is not { Length: 3 } || o.Size is not { Length: 3 })
                throw new SpatialVlmException($"{source}: objects[{i}] needs center and size of three numbers each");
            if (o.Caption is null || o.Category is null) throw new SpatialVlmException($"{source}: objects[{i}] needs a caption and a category");
        }
        return this;
    }
}

public sealed record SceneCamera
{
    public int Width { get; init; }
    public int Height { get; init; }
    public double Fx { get; init; }
    public double Fy { get; init; }
    public double Cx { get; init; }
    public double Cy { get; init; }
    /// <summary>Row-major 4x4: world point = M · camera point.</summary>
    public required double[][] WorldFromCamera { get; init; }

    [JsonIgnore] public CameraIntrinsics Intrinsics => new(Width, Height, Fx, Fy, Cx, Cy);
    [JsonIgnore] public RigidTransform WorldFromCameraTransform => RigidTransform.FromMatrix4x4(WorldFromCamera);
}

public sealed record SceneObject
{
    public int Id { get; init; }
    public int Instance { get; init; }
    public required string Category { get; init; }
    public required string Color { get; init; }
    public required string Caption { get; init; }
    public required string Shape { get; init; }
    public required double[] Center { get; init; }
    /// <summary>[width, length, height]; width ≥ length.</summary>
    public required double[] Size { get; init; }
    public double Yaw { get; init; }

    [JsonIgnore] public UprightBox Box => UprightBox.Create(Point3.FromArray(Center), Size[0], Size[1], Size[2], Yaw);
}

/// <summary>
/// One frame of a robot pick-and-place sequence: the task, the object ids involved, the phase, the gripper's grasp point
/// (world, meters) and finger opening, and the exact distance from the grasp point to the picked object's box centre.
/// </summary>
public sealed record SceneRobot
{
    public required string Task { get; init; }
    /// <summary>Object id of the picked object.</summary>
    public int Target { get; init; }
    /// <summary>Object id of the container it is put into.</summary>
    public int Container { get; init; }
    /// <summary>Object id of the gripper.</summary>
    public int Gripper { get; init; }
    public int Frame { get; init; }
    /// <summary>approach, descend, grasp, lift, carry, place, release or retreat.</summary>
    public required string Phase { get; init; }
    public required double[] GripperCenter { get; init; }
    public double GripperOpening { get; init; }
    /// <summary>|grasp point − centre of the picked object's box| in meters, exact.</summary>
    public double GripperObjectDistance { get; init; }
}
