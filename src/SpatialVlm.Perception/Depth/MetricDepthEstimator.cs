using SpatialVlm.Perception.Batching;
using SpatialVlm.Core;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Preprocessing;

namespace SpatialVlm.Perception.Depth;

/// <summary>Options of <see cref="MetricDepthEstimator"/>.</summary>
public sealed record MetricDepthOptions
{
    /// <summary>Horizontal field of view assumed when neither the caller nor the model gives a focal length (default 60°, a phone photo).</summary>
    public double DefaultHorizontalFovDegrees { get; init; } = 60;
    /// <summary>Images per inference call; images with the same network input size share a call (default 4).</summary>
    public int MaxBatch { get; init; } = 4;
    public OnnxSessionOptions Session { get; init; } = new();
}

/// <summary>Where the focal length of an estimate came from.</summary>
public enum FocalSource { Given, Model, FieldOfViewDefault }

/// <summary>One image to estimate, with its intrinsics when known (an RGB-D sensor, EXIF).</summary>
public sealed record DepthRequest(RgbImage Image, CameraIntrinsics? Intrinsics = null);

/// <summary>Metric depth at the image's own size, and the intrinsics it is metric for.</summary>
public sealed record DepthEstimate(DepthMap Depth, CameraIntrinsics Intrinsics, FocalSource Focal);

/// <summary>
/// Metric depth over ONNX Runtime for a <see cref="DepthExport"/>: resize/normalise per the export, batched inference
/// on one shared session (thread-safe), unit conversion, bilinear resize back to the image size.
/// </summary>
public sealed class MetricDepthEstimator : IDisposable, Photo.IDepthEstimator
{
    private readonly OnnxModel model;
    private readonly string[] outputNames;
    public DepthExport Export { get; }
    public MetricDepthOptions Options { get; }
    /// <summary>The registered model's name when opened from the store, else the export's name.</summary>
    public string Name { get; init; }

    public MetricDepthEstimator(string modelPath, DepthExport export, MetricDepthOptions? options = null)
    {
        Export = export;
        Name = export.Name;
        Options = options ?? new MetricDepthOptions();
        if (Options.MaxBatch < 1) throw new SpatialVlmException($"depth batch size must be at least 1, got {Options.MaxBatch}");
        if (!(Options.DefaultHorizontalFovDegrees is > 0 and < 180))
            throw new SpatialVlmException($"field of view {Options.DefaultHorizontalFovDegrees}° must be between 0 and 180 degrees");
        outputNames = export.FocalOutputName is { } focal ? [export.OutputName, focal] : [export.OutputName];
        model = OnnxModel.Open(modelPath, Options.Session, [(export.InputName, typeof(float))], outputNames.Select(n => (n, typeof(float))).ToArray());
    }

    /// <summary>Opens a registered depth model from the store (one-line error naming `models pull` when it is missing).</summary>
    public static MetricDepthEstimator Open(ModelStore store, string name, MetricDepthOptions? options = null)
    {
        var folder = store.Require(name, ModelRole.Depth);
        var entry = store.Find(name);
        var export = DepthExport.All.FirstOrDefault(e => e.Name == entry.Export)
            ?? throw new SpatialVlmException($"model '{name}' ({entry.Export}) has no depth backend yet; use one of: {string.Join(", ", DepthExport.All.Select(e => e.Name))}");
        var onnx = entry.Files.First(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal));
        return new MetricDepthEstimator(store.FilePath(entry, onnx), export, options) { Name = name };
    }

    public DepthEstimate Estimate(RgbImage image, CameraIntrinsics? intrinsics = null) => Estimate([new DepthRequest(image, intrinsics)])[0];

    /// <summary>Estimates every request; images with the same network input size are batched together.</summary>
    public IReadOnlyList<DepthEstimate> Estimate(IReadOnlyList<DepthRequest> requests)
    {
        var results = new DepthEstimate[requests.Count];
        foreach (var r in requests)
            if (r.Intrinsics is { } k && (k.Width != r.Image.Width || k.Height != r.Image.Height))
                throw new SpatialVlmException($"intrinsics are for {k.Width}x{k.Height} but the image is {r.Image.Width}x{r.Image.Height}");
        var groups = Enumerable.Range(0, requests.Count)
            .GroupBy(i => Export.InputSize(requests[i].Image.Height, requests[i].Image.Width));
        foreach (var group in groups)
            foreach (var chunk in group.Chunk(Options.MaxBatch))
            {
                var (ih, iw) = group.Key;
                var input = Preprocess(requests, chunk, ih, iw);
                var outputs = model.Run([OnnxInput.Of(Export.InputName, input, chunk.Length, 3, ih, iw)], outputNames);
                var output = outputs[0];
                CheckShape(output, chunk.Length, ih, iw);
                for (int b = 0; b < chunk.Length; b++) RejectAllZero(output.Data.AsSpan(b * ih * iw, ih * iw));
                var focals = outputs.Length > 1 ? ModelFocals(outputs[1], chunk.Length) : null;
                PerImageParallel.For(chunk.Length, b =>
                    results[chunk[b]] = Postprocess(requests[chunk[b]], output.Data.AsSpan(b * ih * iw, ih * iw), ih, iw, focals?[b]));
            }
        return results;
    }

    /// <summary>The batch tensor [B,3,ih,iw] for the chunk's images.</summary>
    private float[] Preprocess(IReadOnlyList<DepthRequest> requests, int[] chunk, int ih, int iw)
    {
        int per = 3 * ih * iw;
        var input = new float[chunk.Length * per];
        PerImageParallel.For(chunk.Length, b => DepthTensors.Prepare(Export, requests[chunk[b]].Image, ih, iw, input.AsSpan(b * per, per)));
        return input;
    }

    private void CheckShape(OnnxOutput output, int batch, int ih, int iw)
    {
        // [B,H,W] as published; [B,1,H,W] is accepted as the same data.
        bool ok = output.Shape.Length switch
        {
            3 => output.Shape[0] == batch && output.Shape[1] == ih && output.Shape[2] == iw,
            4 => output.Shape[0] == batch && output.Shape[1] == 1 && output.Shape[2] == ih && output.Shape[3] == iw,
            _ => false,
        };
        if (!ok)
            throw new SpatialVlmException($"{model.Path}: '{Export.OutputName}' has shape [{string.Join(",", output.Shape)}], expected [{batch},{ih},{iw}]");
    }

    private void RejectAllZero(ReadOnlySpan<float> raw)
    {
        if (!raw.ContainsAnyExcept(0f))
            throw new SpatialVlmException($"{model.Path}: the model returned an all-zero depth map (a broken export; pull a current release of the model)");
    }

    /// <summary>One focal per image (network-input pixels), from a [B] or [B,1] output; must be positive and finite.</summary>
    private float[] ModelFocals(OnnxOutput focal, int batch)
    {
        if (focal.Data.Length != batch)
            throw new SpatialVlmException($"{model.Path}: '{Export.FocalOutputName}' has shape [{string.Join(",", focal.Shape)}], expected [{batch}]");
        foreach (var f in focal.Data)
            if (!(f > 0 && float.IsFinite(f)))
                throw new SpatialVlmException($"{model.Path}: '{Export.FocalOutputName}' is {f}, not a positive focal length in pixels");
        return focal.Data;
    }

    private DepthEstimate Postprocess(DepthRequest request, ReadOnlySpan<float> raw, int ih, int iw, float? networkFocal)
    {
        int w = request.Image.Width, h = request.Image.Height;
        // A model focal is in network-input pixels; the image is squashed, so its horizontal scale is W / iw.
        double? modelFocal = networkFocal is { } nf ? nf * (double)w / iw : null;
        var (k, source) = request.Intrinsics is { } given ? (given, FocalSource.Given)
            : modelFocal is { } f ? (new CameraIntrinsics(w, h, f, f, (w - 1) / 2.0, (h - 1) / 2.0), FocalSource.Model)
            : (CameraIntrinsics.FromHorizontalFov(w, h, Options.DefaultHorizontalFovDegrees), FocalSource.FieldOfViewDefault);
        return new DepthEstimate(DepthTensors.ToMeters(Export, raw, ih, iw, k, modelFocal), k, source);
    }

    public void Dispose() => model.Dispose();
}
