using Microsoft.ML.OnnxRuntime;
using SpatialVlm.Core;

namespace SpatialVlm.Perception.Onnx;

/// <summary>Where ONNX Runtime runs the perception models.</summary>
public enum OnnxDevice
{
    Cpu,
    /// <summary>ONNX Runtime's CUDA execution provider (needs the GPU build, -p:OnnxGpu=true, and CUDA on the machine).</summary>
    Cuda,
}

/// <summary>Parses the device option and checks, before any model is opened, that this build and machine can use it.</summary>
public static class OnnxDevices
{
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>True when this assembly was built with -p:OnnxGpu=true (the Microsoft.ML.OnnxRuntime.Gpu.Linux package).</summary>
    public static bool GpuBuild =>
#if ONNX_GPU
        true;
#else
        false;
#endif

    public static OnnxDevice Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "cpu" => OnnxDevice.Cpu,
        "cuda" or "gpu" => OnnxDevice.Cuda,
        _ => throw new SpatialVlmException($"--device '{Printable.Clip(text ?? "", 40)}' is not known; use cpu or cuda"),
    };

    /// <summary>Throws a one-line error naming what is missing when the device cannot be used here; the CPU always can.</summary>
    public static void Require(OnnxDevice device)
    {
        if (device == OnnxDevice.Cpu) return;
        string[] providers;
        try { providers = OrtEnv.Instance().GetAvailableProviders(); }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            throw new SpatialVlmException($"--device cuda: ONNX Runtime's native library does not load: {e.Message.Split('\n')[0]}", e);
        }
        if (!providers.Contains(CudaProvider, StringComparer.Ordinal))
            throw new SpatialVlmException(GpuBuild
                ? $"--device cuda: this ONNX Runtime has no {CudaProvider} (it has {string.Join(", ", providers)})"
                : $"--device cuda: this is the CPU build (Microsoft.ML.OnnxRuntime, providers {string.Join(", ", providers)}); build with -p:OnnxGpu=true for ONNX Runtime's {CudaProvider}");
        // The GPU build lists the provider whether or not CUDA is here; appending it loads the CUDA libraries and finds the device.
        using var probe = new SessionOptions();
        AppendCuda(probe);
    }

    /// <summary>Adds the CUDA execution provider (device 0) to session options; failures are one line naming what is missing.</summary>
    public static void AppendCuda(SessionOptions options)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(0);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new SpatialVlmException(GpuBuild
                ? $"--device cuda: CUDA is not usable on this machine (the CUDA and cuDNN runtime libraries and an NVIDIA GPU are needed): {e.Message.Split('\n')[0].Trim()}"
                : $"--device cuda: this is the CPU build of ONNX Runtime, without {CudaProvider}; build with -p:OnnxGpu=true", e);
        }
    }
}
