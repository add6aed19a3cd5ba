using System.Security.Cryptography;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Perception.Tests;

public sealed class ExternalDataPullTests : IDisposable
{
    private readonly string home = Path.Combine(Path.GetTempPath(), $"svlm-extdata-{Guid.NewGuid():N}");

    public void Dispose() { if (Directory.Exists(home)) Directory.Delete(home, recursive: true); }

    [Fact]
    public void PulledModelWithOnnxDataCompanionLoadsAndRuns()
    {
        // y = x * w, where w = [2.5, -1, 4] lives only in model.onnx_data (8 leading bytes of padding to exercise the offset).
        var weights = new byte[8 + 12];
        Buffer.BlockCopy(new[] { 2.5f, -1f, 4f }, 0, weights, 8, 12);
        var graph = new TinyOnnx()
            .Input("x", TinyOnnx.Float, "n", 3)
            .Output("y", TinyOnnx.Float, "n", 3)
            .ExternalFloatConstant("w", [3], "model.onnx_data", 8, 12)
            .Node("Mul", ["x", "w"], ["y"]).ToBytes();
        var entry = new ModelEntry("ext", ModelRole.Depth, "test", ModelHost.HuggingFace, "org/big", "main",
            [new ModelFile("onnx/model.onnx", graph.Length, Convert.ToHexStringLower(SHA256.HashData(graph))),
             new ModelFile("onnx/model.onnx_data", weights.Length, Convert.ToHexStringLower(SHA256.HashData(weights)))], "MIT");
        Assert.True(entry.Files[1].IsExternalData);
        var store = new ModelStore(home, [entry]);
        using var server = new LoopbackFileServer(new()
        {
            ["/org/big/resolve/main/onnx/model.onnx"] = graph,
            ["/org/big/resolve/main/onnx/model.onnx_data"] = weights,
        });
        var pulled = new ModelDownloader(new HttpClient(), new DownloadOptions { BaseUrl = server.BaseUrl, MaxAttempts = 1 }).Pull(store, "ext");
        Assert.Equal(2, pulled.Count);
        Assert.All(pulled, p => Assert.True(p.Verified));

        var folder = store.Require("ext");
        using var model = OnnxModel.Open(Path.Combine(folder, "onnx", "model.onnx"), new OnnxSessionOptions(), [("x", typeof(float))], [("y", typeof(float))]);
        var y = model.Run([OnnxInput.Of("x", [1f, 2f, 3f, 2f, 2f, 2f], 2, 3)], "y")[0];
        Assert.Equal([2, 3], y.Shape);
        Assert.Equal([2.5f, -2f, 12f, 5f, -2f, 8f], y.Data);
    }
}
