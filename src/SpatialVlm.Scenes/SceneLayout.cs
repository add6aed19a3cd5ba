using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>How the camera was drawn: height above the floor, look-at distance, pitch (down positive), roll, field of view.</summary>
public sealed record CameraDraw(double Height, double LookDistance, double PitchDegrees, double RollDegrees, double HorizontalFovDegrees);

/// <summary>A wall: a vertical rectangle from the floor up, given by its two floor corners and height; it faces the camera.</summary>
public readonly record struct Wall(Point3 A, Point3 B, double Height);

/// <summary>
/// The room: floor rectangle (its four corners on z = 0), walls, and looks. The room's axes are yawed by
/// <see cref="Yaw"/> against the world axes.
/// </summary>
public sealed record Room(Point3[] FloorCorners, IReadOnlyList<Wall> Walls, double Yaw,
    NamedColor FloorColor, SurfacePattern FloorPattern, NamedColor WallColor)
{
    /// <summary>Room-axis extents the objects must stay within: along the room's first axis [MinA, MaxA], across it [MinB, MaxB].</summary>
    public required (double MinA, double MaxA, double MinB, double MaxB) Extent { get; init; }

    public (double A, double B) ToRoom(double x, double y)
    {
        var (s, c) = PortableTrig.SinCos(Yaw);
        return (c * x + s * y, -s * x + c * y);
    }
}

/// <summary>A directional light (unit vector toward the light), its strength and the ambient term.</summary>
public readonly record struct Lighting(Point3 ToLight, double Diffuse, double Ambient);

/// <summary>Everything a scene is made of before rendering.</summary>
public sealed record SceneLayout(CameraIntrinsics Intrinsics, RigidTransform WorldFromCamera, CameraDraw Camera,
    Room Room, Lighting Light, IReadOnlyList<PlacedObject> Objects)
{
    public Point3 CameraPosition => WorldFromCamera.Translation;
}
