using SpatialVlm.Core;
using SpatialVlm.Perception.Clip;
using SpatialVlm.Perception.Depth;

namespace SpatialVlm.Perception.Photo;

/// <summary>Metric depth for one photo (<see cref="MetricDepthEstimator"/> over ONNX Runtime, or an in-process stand-in). Thread-safe.</summary>
public interface IDepthEstimator
{
    /// <summary>The model's name, for the perception notes.</summary>
    string Name { get; }
    /// <summary>Depth at the image's size and the intrinsics it is metric for (given, from the model, or a field-of-view default).</summary>
    DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null);
}

/// <summary>The scene filter's decision for one photo (<see cref="ClipSceneFilter"/>, or an in-process stand-in). Thread-safe.</summary>
public interface ISceneFilter
{
    string Name { get; }
    SceneFilterDecision Decide(RgbImage image);
}
