using SpatialVlm.Core;
using SpatialVlm.Questions;

namespace SpatialVlm.Benchmarks;

/// <summary>
/// One image a benchmark asks about: its objects in the question frame, whether that frame is canonical, how to
/// get back to the camera (for each pair's depth), and optionally the surface gap between two objects' points.
/// </summary>
public sealed record BenchmarkScene(string Id, string ImagePath, IReadOnlyList<SpatialObject> Objects, bool Canonicalized,
    RigidTransform CameraFromWorld, Func<int, int, double?>? Gap = null);

/// <summary>
/// Where a benchmark's scenes come from, how true its answers are (for the benchmark card), and the question options
/// (margins) that fit that truth: SPATIAL.md's minimum for exact boxes, the data engine's wider ones for measured boxes.
/// </summary>
public sealed record BenchmarkSource(string Kind, string Truth, IReadOnlyList<BenchmarkScene> Scenes, IReadOnlyList<string> Skipped, QuestionOptions Questions);
