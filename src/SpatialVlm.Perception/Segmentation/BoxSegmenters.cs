using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Photo;

namespace SpatialVlm.Perception.Segmentation;

/// <summary>Opens a registered segmenter by name; the catalog lists its files as (encoder, decoder).</summary>
public static class BoxSegmenters
{
    /// <summary>Export names with a backend: the SAM ONNX decoder format and SAM2 in the transformers.js format.</summary>
    public const string SamExport = "sam", Sam2Export = "sam2-transformersjs";

    /// <summary>The segmenter for a cached model; a missing model is a one-line error naming `models pull`.</summary>
    public static IBoxSegmenter Open(ModelStore store, string name, BoxSegmenterOptions? options = null)
    {
        store.Require(name, ModelRole.Segmenter);
        var entry = store.Find(name);
        var onnx = entry.Files.Where(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal)).ToArray();
        if (onnx.Length != 2)
            throw new SpatialVlmException($"model '{name}' lists {onnx.Length} .onnx files; a segmenter needs an encoder and a decoder");
        string encoder = store.FilePath(entry, onnx[0]), decoder = store.FilePath(entry, onnx[1]);
        return entry.Export switch
        {
            SamExport => new SamBoxSegmenter(encoder, decoder, options, name),
            Sam2Export => new Sam2BoxSegmenter(encoder, decoder, options, name),
            _ => throw new SpatialVlmException($"model '{name}' ({entry.Export}) has no box-prompted backend; use one of the exports: {SamExport}, {Sam2Export}"),
        };
    }
}
