using Microsoft.ML.OnnxRuntime;
using SpatialVlm.Core;
using SpatialVlm.Perception.Detectors;
using SpatialVlm.Perception.Models;
using SpatialVlm.Perception.Onnx;
using SpatialVlm.Perception.Tests;

namespace SpatialVlm.Cli.Tests;

/// <summary>
/// `--device cpu|cuda`: the CPU build (what CI has) refuses cuda in one line naming the missing CUDA execution provider
/// and the build property that adds it, before any output is written; a GPU build without CUDA names what is missing.
/// </summary>
public sealed class DeviceFlagTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("device-flag-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void SynthWithCudaOnThisBuildIsOneLineNamingWhatIsMissing()
    {
        var outDir = Path.Combine(dir, "out");
        var (exit, stdout, err) = CliHarness.Run("synth", "--scenes", "1", "--size", "160x120", "--out", outDir, "--device", "cuda");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --device cuda: ", line);
        if (OnnxDevices.GpuBuild) Assert.Contains("CUDA is not usable on this machine", line);
        else
        {
            Assert.Contains("CPU build", line);
            Assert.Contains(OnnxDevices.CudaProvider, line);
            Assert.Contains("-p:OnnxGpu=true", line);
        }
        Assert.False(Directory.Exists(outDir), "nothing is written before the device is refused");
    }

    [Fact]
    public void AnUnknownDeviceIsRefusedAndCpuRuns()
    {
        var (exit, _, err) = CliHarness.Run("synth", "--scenes", "1", "--size", "160x120", "--out", Path.Combine(dir, "tpu"), "--device", "tpu");
        Assert.Equal(1, exit);
        Assert.Equal("error: --device 'tpu' is not known; use cpu or cuda", err.Trim());

        var (ok, stdout, err2) = CliHarness.Run("synth", "--scenes", "1", "--size", "160x120", "--qa-per-image", "3", "--out", Path.Combine(dir, "cpu"), "--device", "cpu", "--workers", "1");
        Assert.True(ok == 0, err2);
        Assert.Contains("synth: 1 images", stdout);
    }

    [Fact]
    public void SessionOptionsForCudaFailInOneLineWhereTheProviderCannotLoad()
    {
        // What every model's session does with Device = Cuda; on this machine (no CUDA) it must fail, naming why.
        using var so = new SessionOptions();
        var e = Assert.Throws<SpatialVlmException>(() => OnnxDevices.AppendCuda(so));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(OnnxDevices.GpuBuild ? "CUDA is not usable on this machine" : "-p:OnnxGpu=true", e.Message);
        Assert.Equal(OnnxDevice.Cpu, new OnnxSessionOptions().Device);
        Assert.Equal(OnnxDevice.Cuda, OnnxDevices.Parse("CUDA"));
    }

    [Fact]
    public void TheDeviceReachesTheModelSessionsAndCpuKeepsEachBackendsDefaults()
    {
        // Tiny OWL-ViT and Grounding DINO exports in a store: the session options given to the factory are the ones the
        // ONNX sessions open with (cuda fails there on this build), and a CPU session keeps each backend's thresholds.
        var store = new ModelStore(Path.Combine(dir, "models"), ModelCatalog.Default);
        var owl = store.ModelFolder(store.Find("owlvit-base-patch32"));
        Directory.CreateDirectory(Path.Combine(owl, "onnx"));
        ClipTestModels.WriteTokenizer(owl);
        DetectionTestModels.Owl(Path.Combine(owl, "onnx", "model.onnx"), 768, 576, 7, []);
        var dino = store.ModelFolder(store.Find("grounding-dino-tiny"));
        Directory.CreateDirectory(Path.Combine(dino, "onnx"));
        var vocab = DetectionTestModels.WriteWordPieceVocab(Path.Combine(dino, "vocab.txt"));
        DetectionTestModels.GroundingDino(Path.Combine(dino, "onnx", "model.onnx"), vocab.Length, []);

        foreach (var name in new[] { "owlvit-base-patch32", "grounding-dino-tiny" })
        {
            var e = Assert.Throws<SpatialVlmException>(() => DetectorFactory.Open(store, name, session: new OnnxSessionOptions { Device = OnnxDevice.Cuda }));
            Assert.StartsWith("--device cuda: ", e.Message);
        }
        using (var cpuOwl = DetectorFactory.Open(store, "owlvit-base-patch32", session: new OnnxSessionOptions()))
            Assert.Equal(new DetectorOptions().ScoreThreshold, ((OwlDetector)cpuOwl).Options.ScoreThreshold);
        using var cpuDino = DetectorFactory.Open(store, "grounding-dino-tiny", session: new OnnxSessionOptions());
        Assert.Equal(new GroundingDinoOptions().ScoreThreshold, ((GroundingDinoDetector)cpuDino).Options.ScoreThreshold);
    }
}
