using SpatialVlm.Core;
using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Perception.Detectors;

/// <summary>Load-time checks beyond names and element types, so a model of the wrong family fails at once with one line.</summary>
internal static class DetectorSignature
{
    /// <summary>The model declares no input the backend does not feed.</summary>
    public static void OnlyInputs(OnnxModel model, string backend, params string[] fed)
    {
        var extra = model.InputNames.Where(n => !fed.Contains(n)).ToArray();
        if (extra.Length > 0)
            throw new SpatialVlmException($"{model.Path}: the model needs inputs {string.Join(", ", extra)} that {backend} does not feed; not a {backend} export");
    }

    /// <summary>A fixed image size declared on [B,3,H,W] must be the export's.</summary>
    public static void ImageSize(OnnxModel model, string input, int size, string backend)
    {
        var dims = model.InputDimensions(input);
        if (dims.Length != 4) throw new SpatialVlmException($"{model.Path}: '{input}' has rank {dims.Length}, expected [B,3,H,W]");
        if ((dims[2] > 0 && dims[2] != size) || (dims[3] > 0 && dims[3] != size))
            throw new SpatialVlmException($"{model.Path}: '{input}' is {dims[2]}x{dims[3]}, but {backend} takes {size}x{size}; not a {backend} export");
    }

    /// <summary>An output's shape must match; a mismatch names what was expected.</summary>
    public static void OutputShape(OnnxModel model, string name, OnnxOutput output, params int[] expected)
    {
        if (!output.Shape.SequenceEqual(expected))
            throw new SpatialVlmException($"{model.Path}: '{name}' has shape [{string.Join(",", output.Shape)}], expected [{string.Join(",", expected)}]");
    }
}
