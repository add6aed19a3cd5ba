namespace SpatialVlm.Perception.Models;

/// <summary>What a model is used for in the pipeline.</summary>
public enum ModelRole { Depth, ClipText, ClipVision, Detector, Segmenter, Captioner }

/// <summary>Where a model's files are published: a Hugging Face repository at a revision, or a GitHub release tag.</summary>
public enum ModelHost { HuggingFace, GitHubRelease }

/// <summary>
/// One file of a model. Path is relative to the repository (Hugging Face) or the release (GitHub); the file is stored
/// under the same relative path in the model's cache folder. ApproxBytes and Sha256 are null when unknown.
/// </summary>
public sealed record ModelFile(string Path, long? ApproxBytes = null, string? Sha256 = null)
{
    /// <summary>True for an ONNX external-data companion (weights of a graph over 2 GB).</summary>
    public bool IsExternalData => Path.EndsWith(".onnx_data", StringComparison.Ordinal);
}

/// <summary>
/// A registered model: Export names the published format whose exact pre- and post-processing the code implements
/// (MODELS.md), e.g. "metric3d", "depth-anything-v2-metric", "clip-text", "clip-vision".
/// </summary>
public sealed record ModelEntry(
    string Name, ModelRole Role, string Export, ModelHost Host, string Repository, string Revision,
    IReadOnlyList<ModelFile> Files, string Licence, string Notes = "")
{
    /// <summary>Sum of the known file sizes, or null when any is unknown.</summary>
    public long? ApproxBytes => Files.All(f => f.ApproxBytes.HasValue) ? Files.Sum(f => f.ApproxBytes!.Value) : null;

    /// <summary>Download address of one file under the host's base address (e.g. https://huggingface.co).</summary>
    public Uri FileUri(string baseUrl, ModelFile file)
    {
        var root = baseUrl.TrimEnd('/');
        var rel = Host switch
        {
            ModelHost.HuggingFace => $"{Repository}/resolve/{Revision}/{file.Path}",
            _ => $"{Repository}/releases/download/{Revision}/{file.Path}",
        };
        return new Uri($"{root}/{rel}");
    }

    /// <summary>The public base address of the host.</summary>
    public string DefaultBaseUrl => Host == ModelHost.HuggingFace ? "https://huggingface.co" : "https://github.com";
}
