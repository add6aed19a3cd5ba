using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpatialVlm.Core;

namespace SpatialVlm.Perception.Onnx;

/// <summary>Options of the ONNX Runtime sessions.</summary>
public sealed record OnnxSessionOptions
{
    /// <summary>Threads inside one operator (default 0 = ONNX Runtime's choice, one per core).</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Where the models run: the CPU (default) or CUDA device 0 (a build with -p:OnnxGpu=true; CUDA_VISIBLE_DEVICES picks the GPU).</summary>
    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;
}

/// <summary>An input tensor for <see cref="OnnxModel.Run"/>: float32, int64 or bool data in row-major order.</summary>
public sealed record OnnxInput(string Name, int[] Shape, float[]? Floats = null, long[]? Longs = null, bool[]? Bools = null)
{
    public static OnnxInput Of(string name, float[] data, params int[] shape) => new(name, shape, Floats: data);
    public static OnnxInput Of(string name, long[] data, params int[] shape) => new(name, shape, Longs: data);
    public static OnnxInput Of(string name, bool[] data, params int[] shape) => new(name, shape, Bools: data);
}

/// <summary>A float output tensor.</summary>
public sealed record OnnxOutput(float[] Data, int[] Shape);

/// <summary>
/// One ONNX Runtime session over a model file, checked at load against the input and output names and element types
/// the export publishes. Run is safe to call from several threads at once (ONNX Runtime sessions are), so one
/// instance is shared by all workers.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;
    public string Path { get; }

    private OnnxModel(string path, InferenceSession session) { Path = path; this.session = session; }

    /// <summary>Opens the model and checks it declares each (name, element type) input and output; a mismatch is a one-line error.</summary>
    public static OnnxModel Open(string path, OnnxSessionOptions options, (string Name, Type Element)[] inputs, (string Name, Type Element)[] outputs)
    {
        if (!File.Exists(path)) throw new SpatialVlmException($"{path}: no such model file");
        InferenceSession session;
        try
        {
            using var so = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                // Failures reach the caller as one-line exceptions; ORT's own error log would repeat them on stderr.
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            if (options.Device == OnnxDevice.Cuda) OnnxDevices.AppendCuda(so);
            session = new InferenceSession(path, so);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SpatialVlmException($"{path}: ONNX Runtime cannot load the model: {e.Message.Split('\n')[0]}", e);
        }
        try
        {
            Check(path, "input", session.InputMetadata, inputs);
            Check(path, "output", session.OutputMetadata, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return new OnnxModel(path, session);
    }

    private static void Check(string path, string kind, IReadOnlyDictionary<string, NodeMetadata> declared, (string Name, Type Element)[] wanted)
    {
        foreach (var (name, element) in wanted)
        {
            if (!declared.TryGetValue(name, out var meta))
                throw new SpatialVlmException($"{path}: the model has no {kind} '{name}' (it has {string.Join(", ", declared.Keys)}); not the expected export");
            if (meta.ElementType != element)
                throw new SpatialVlmException($"{path}: {kind} '{name}' is {meta.ElementType.Name}, expected {element.Name}");
        }
    }

    public bool HasInput(string name) => session.InputMetadata.ContainsKey(name);

    /// <summary>Names of the inputs the graph declares.</summary>
    public IReadOnlyCollection<string> InputNames => session.InputMetadata.Keys.ToArray();

    public bool HasOutput(string name) => session.OutputMetadata.ContainsKey(name);

    /// <summary>The declared dimensions of an input (-1 where the export leaves a dimension dynamic).</summary>
    public int[] InputDimensions(string name) =>
        session.InputMetadata.TryGetValue(name, out var meta) ? meta.Dimensions.ToArray()
        : throw new SpatialVlmException($"{Path}: the model has no input '{name}'");

    /// <summary>Runs the model and returns the requested float outputs in the order asked.</summary>
    public OnnxOutput[] Run(IReadOnlyList<OnnxInput> inputs, params string[] outputNames)
    {
        var values = inputs.Select(i => i.Floats != null ? NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Floats, i.Shape))
            : i.Bools != null ? NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<bool>(i.Bools, i.Shape))
            : NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<long>(i.Longs!, i.Shape))).ToList();
        try
        {
            using var results = session.Run(values, outputNames);
            return outputNames.Select(n =>
            {
                var t = results.First(r => r.Name == n).AsTensor<float>();
                return new OnnxOutput(t.ToArray(), t.Dimensions.ToArray());
            }).ToArray();
        }
        catch (OnnxRuntimeException e)
        {
            throw new SpatialVlmException($"{Path}: inference failed: {e.Message.Split('\n')[0]}", e);
        }
    }

    public void Dispose() => session.Dispose();
}
