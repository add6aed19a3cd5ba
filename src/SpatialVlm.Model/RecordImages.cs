using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;
using SpatialVlm.Imaging;

namespace SpatialVlm.Model;

/// <summary>Decodes the images example streams train on; one that does not decode is skipped with its reason and counted.</summary>
internal sealed class RecordImages
{
    private readonly Dictionary<string, string> skipped = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>What was skipped so far, by id, with the reason for each.</summary>
    public IReadOnlyDictionary<string, string> Skipped { get { lock (gate) return new Dictionary<string, string>(skipped); } }

    public void Skip(string id, string reason) { lock (gate) skipped[id] = reason; }

    /// <summary>The image at a path relative to root (which it must stay inside), or null after recording why not.</summary>
    public RgbImage? Decode(string root, string relativePath, string id)
    {
        try
        {
            return ColorImageFile.DecodeFile(ContainedPath.Resolve(root, relativePath, $"{id}: image"));
        }
        catch (SpatialVlmException e)
        {
            Skip(id, e.Message);
            return null;
        }
    }

    public RgbImage? Decode(DatasetFolder dataset, DatasetRecord record) => Decode(dataset.Root, record.Image, record.Id);
}
