using SpatialVlm.Core;
using SpatialVlm.Geometry;

namespace SpatialVlm.Synthesis.Stages;

/// <summary>
/// An object's points at some stage of the pipeline (camera frame until canonicalized). ValidPixels counts
/// the mask pixels with valid depth, which may exceed Points.Count when large masks are lifted at a stride.
/// </summary>
public sealed record LiftedObject(ObjectMask Mask, PointCloud Points, int ValidPixels);

/// <summary>Why an object, an image or a question was left out. Never dropped silently: these go to the manifest.</summary>
public sealed record SkipReason(string Scope, string Id, string Reason);
