using System.CommandLine;
using SpatialVlm.Perception.Onnx;

namespace SpatialVlm.Cli.Commands;

/// <summary>`--device cpu|cuda` of the commands that run perception models (synth; run-shards passes it to its shards).</summary>
public static class DeviceFlag
{
    public static Option<string> Create() => new("--device")
    {
        Description = "where the perception models run: cpu, or cuda (ONNX Runtime's CUDA execution provider: a build with -p:OnnxGpu=true and CUDA on the machine)",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>The session options for the flag's value, checked before any work: a build or machine without CUDA is one line naming what is missing.</summary>
    public static OnnxSessionOptions Resolve(string? value)
    {
        var device = OnnxDevices.Parse(value);
        OnnxDevices.Require(device);
        return new OnnxSessionOptions { Device = device };
    }
}
