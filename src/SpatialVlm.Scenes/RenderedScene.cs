using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// A procedural scene with its exact ground truth: the description (scene.json), the colour image, depth in
/// millimetres along the optical axis (0 = none), the instance id per pixel (0 = no object; otherwise the
/// `instance` of an object in the description) and the surface kind per pixel (<see cref="SurfaceKind"/>).
/// Buffers are row-major, width × height.
/// </summary>
public sealed record RenderedScene(SceneDescription Description, RgbImage Image, ushort[] DepthMillimeters, ushort[] Instances, ushort[] SurfaceIds)
{
    public int Width => Image.Width;
    public int Height => Image.Height;

    /// <summary>
    /// What the data engine consumes: depth in meters, the intrinsics, the known camera pose in the canonical
    /// world frame, one mask per described object (from its instance pixels), and the floor pixels as support.
    /// </summary>
    public Observation ToObservation()
    {
        var scale = Description.DepthScale;
        var meters = new float[DepthMillimeters.Length];
        for (int i = 0; i < meters.Length; i++) meters[i] = (float)(DepthMillimeters[i] / scale);
        var byInstance = new Dictionary<int, List<int>>();
        foreach (var o in Description.Objects) byInstance[o.Instance] = [];
        var floor = new List<int>();
        for (int i = 0; i < Instances.Length; i++)
        {
            if (Instances[i] != 0 && byInstance.TryGetValue(Instances[i], out var list)) list.Add(i);
            if (SurfaceIds[i] == SurfaceKind.Floor) floor.Add(i);
        }
        var masks = Description.Objects
            .Where(o => byInstance[o.Instance].Count > 0)
            .Select(o => new ObjectMask(o.Id, o.Caption, o.Category, byInstance[o.Instance].ToArray()))
            .ToList();
        return new Observation
        {
            Id = Description.Id,
            Image = Image,
            Depth = new DepthMap(Width, Height, meters),
            Intrinsics = Description.Camera.Intrinsics,
            Objects = masks,
            KnownWorldFromCamera = Description.Camera.WorldFromCameraTransform,
            SupportPixels = floor.Count > 0 ? floor.ToArray() : null,
        };
    }
}
