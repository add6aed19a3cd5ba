using TorchSharp;

namespace SpatialVlm.Model;

/// <summary>Turns a device name into a TorchSharp device, with a one-line error for names this build cannot use.</summary>
public static class TorchRuntime
{
    public static torch.Device ResolveDevice(string name)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available()) throw new ModelException("device 'cuda' is not available in this build (TorchSharp-cpu); use 'cpu'");
                return torch.CUDA;
            default:
                throw new ModelException($"unknown device '{name}': expected 'cpu' or 'cuda'");
        }
    }
}
