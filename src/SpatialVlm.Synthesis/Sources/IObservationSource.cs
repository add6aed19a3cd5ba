using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Sources;

/// <summary>One unit of input: an id that names the output record, and the seed its randomness derives from.</summary>
public sealed record SourceItem(string Id, long Seed);

/// <summary>Where observations come from: procedural scenes, scene folders, RGB-D folders, photos.</summary>
public interface IObservationSource
{
    string Description { get; }
    IReadOnlyList<SourceItem> Items { get; }
    /// <summary>Loads one observation. Throws SpatialVlmException with a one-line reason for bad input.</summary>
    Observation Load(SourceItem item);
    /// <summary>The encoded image to store under images/ (PNG or the original file's bytes) and its extension.</summary>
    (byte[] Bytes, string Extension) ImageFile(SourceItem item, Observation loaded);
}
