using TorchSharp;

namespace SpatialVlm.Model.Tests;

public class NativeLoadTests
{
    [Fact]
    public void Torch_loads_and_adds_on_cpu()
    {
        using var sum = torch.tensor(new float[] { 1, 2 }) + torch.tensor(new float[] { 3, 4 });
        Assert.Equal(new float[] { 4, 6 }, sum.data<float>().ToArray());
    }
}
