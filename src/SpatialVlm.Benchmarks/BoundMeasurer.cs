using SpatialVlm.Core;
using SpatialVlm.Synthesis;
using SpatialVlm.Synthesis.Sources;
using SpatialVlm.Synthesis.Stages;

namespace SpatialVlm.Benchmarks;

/// <summary>
/// The geometric pipeline as RGB-D benchmarks and the oracle run it: every visible object is measured, hidden parts or
/// not (a benchmark asks about what the annotators marked; a bound answers about every object it can see), and a frame
/// is reconstructed with its own stable seed, so the builder and the oracle see the same frame the same way.
/// </summary>
public sealed class BoundMeasurer(SynthesisOptions options)
{
    private readonly SynthesisPipeline pipeline = new(options with { Occlusion = options.Occlusion with { DropAbove = 1.0 } });

    public SynthesisOptions Options => options;

    /// <summary>An observation with its masks (a scene folder's depth and instances), seeded as given.</summary>
    public SynthesisResult Measure(Observation observation, int seed) => pipeline.Run(observation, seed);

    /// <summary>One frame of an annotated RGB-D folder: the annotated objects over the sensor depth.</summary>
    public SynthesisResult Measure(RgbdFolderSource source, SourceItem frame) => pipeline.Run(source.Load(frame), (int)(frame.Seed & int.MaxValue));
}
