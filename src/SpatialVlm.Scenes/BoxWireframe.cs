using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>An upright box's twelve edges projected into an image; the parts behind the camera are clipped away.</summary>
public static class BoxWireframe
{
    /// <summary>Nearest depth (meters along the optical axis) an edge is drawn at.</summary>
    public const double NearPlane = 0.05;

    // Corner index bits: 1 = +width, 2 = +length, 4 = +height (UprightBox.Corners order).
    private static readonly (int, int)[] Edges = [(0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (0, 4), (1, 5), (2, 6), (3, 7)];

    /// <summary>Pixel segments (u0, v0, u1, v1) of the box's edges in front of the camera.</summary>
    public static List<(double U0, double V0, double U1, double V1)> Project(UprightBox box, RigidTransform cameraFromWorld, CameraIntrinsics k)
    {
        var corners = box.Corners().Select(cameraFromWorld.Apply).ToArray();
        var segments = new List<(double, double, double, double)>(Edges.Length);
        foreach (var (a, b) in Edges)
        {
            if (!ClipToFront(corners[a], corners[b], out var p, out var q)) continue;
            var (u0, v0) = k.Project(p); var (u1, v1) = k.Project(q);
            segments.Add((u0, v0, u1, v1));
        }
        return segments;
    }

    // The part of segment a–b in front of the camera (z ≥ NearPlane).
    private static bool ClipToFront(Point3 a, Point3 b, out Point3 p, out Point3 q)
    {
        p = a; q = b;
        if (a.Z < NearPlane && b.Z < NearPlane) return false;
        if (a.Z < NearPlane) p = a + (b - a) * ((NearPlane - a.Z) / (b.Z - a.Z));
        if (b.Z < NearPlane) q = b + (a - b) * ((NearPlane - b.Z) / (a.Z - b.Z));
        return true;
    }
}
