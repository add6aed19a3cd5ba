namespace SpatialVlm.Core;

/// <summary>
/// Turns a plain photo into an <see cref="Observation"/> (metric depth, intrinsics, object masks with captions).
/// Implemented by the perception models; the data engine's photo sources call it. A photo the chain rejects
/// (scene filter, no usable objects) throws <see cref="SpatialVlmException"/> with a one-line reason, which the
/// run records in its manifest.
/// </summary>
public interface IPhotoPerception
{
    /// <summary>What the chain runs (model names), for the dataset card.</summary>
    string Description { get; }
    /// <param name="id">The image's id in the run.</param>
    /// <param name="image">Decoded, EXIF-oriented pixels.</param>
    /// <param name="intrinsics">Known intrinsics (e.g. from the source), or null to use the depth model's or a field-of-view default.</param>
    Observation Perceive(string id, RgbImage image, CameraIntrinsics? intrinsics = null);
}

/// <summary>
/// Proposes objects on an RGB-D frame whose depth and intrinsics come from the sensor: detection and segmentation run
/// on the colour image, no depth model. RGB-D sources without annotations call it. Throws
/// <see cref="SpatialVlmException"/> with a one-line reason when the frame yields no usable objects.
/// </summary>
public interface IRgbdPerception
{
    /// <summary>What runs (model names), for the dataset card.</summary>
    string Description { get; }
    /// <param name="depth">Metric depth registered with the image (same size).</param>
    /// <param name="intrinsics">The sensor's intrinsics at the image's size.</param>
    Observation Perceive(string id, RgbImage image, DepthMap depth, CameraIntrinsics intrinsics);
}
