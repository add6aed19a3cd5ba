using SpatialVlm.Core;
using SpatialVlm.Imaging;
using SpatialVlm.Scenes;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>Procedural scenes rendered in-process: seeds S … S+N−1, the scene's depth and instances as oracle perception.</summary>
public sealed class ProceduralSource(SceneOptions options, long firstSeed, int count) : IStreamedSource, IFingerprinted
{
    /// <summary>The scene options decide every rendered pixel, so they are part of a run's identity.</summary>
    public string Fingerprint => ConfigFields.Hash(ConfigFields.Flatten(options));

    private readonly SceneGenerator generator = new(options);

    public string Description => $"{count} procedural scenes from seed {firstSeed}";

    public IReadOnlyList<SourceItem> Items { get; } = new GeneratedItems(count, i => new SourceItem($"scene-{firstSeed + i:D6}", firstSeed + i));

    public Observation Load(SourceItem item) => generator.Generate(item.Seed).ToObservation();

    public (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded) => (ColorImageCodec.EncodePngFast(loaded.Image), ".png");
}
