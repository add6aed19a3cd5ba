using Google.Protobuf;
using Onnx;

namespace SpatialVlm.Perception.Tests;

/// <summary>Builds small ONNX graphs (opset 13) in memory with OnnxSharp's protobuf types, for tests over ONNX Runtime.</summary>
internal sealed class TinyOnnx
{
    private readonly GraphProto graph = new() { Name = "tiny" };
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;

    /// <summary>Declares a graph input; a string dimension is symbolic (dynamic), an int is fixed.</summary>
    public TinyOnnx Input(string name, int elemType, params object[] dims) { graph.Input.Add(Value(name, elemType, dims)); return this; }

    public TinyOnnx Output(string name, int elemType, params object[] dims) { graph.Output.Add(Value(name, elemType, dims)); return this; }

    public TinyOnnx Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = $"{op}_{graph.Node.Count}" };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        graph.Node.Add(n);
        return this;
    }

    public TinyOnnx FloatConstant(string name, long[] dims, params float[] values)
    {
        var t = new TensorProto { Name = name, DataType = Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        graph.Initializer.Add(t);
        return this;
    }

    public TinyOnnx Int64Constant(string name, long[] dims, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        graph.Initializer.Add(t);
        return this;
    }

    /// <summary>A float initializer whose bytes live in an external-data file next to the model.</summary>
    public TinyOnnx ExternalFloatConstant(string name, long[] dims, string location, long offset, long length)
    {
        var t = new TensorProto { Name = name, DataType = Float, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString() });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString() });
        graph.Initializer.Add(t);
        return this;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public byte[] ToBytes()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "spatialvlm-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    public string Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private static ValueInfoProto Value(string name, int elemType, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}
