using SpatialVlm.Core;

namespace SpatialVlm.Contracts.Dataset;

/// <summary>A folder `synth` wrote: OUT/dataset.jsonl with its images beside it. Records are streamed, one line at a time.</summary>
public sealed class DatasetFolder
{
    public const string RecordsFile = "dataset.jsonl";

    public string Root { get; }
    public string RecordsPath => Path.Combine(Root, RecordsFile);

    public DatasetFolder(string root)
    {
        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root)) throw new SpatialVlmException($"{root}: no such dataset folder");
        if (!File.Exists(RecordsPath)) throw new SpatialVlmException($"{root}: not a dataset folder (no {RecordsFile}; `spatialvlm synth` writes one)");
    }

    /// <summary>Every record, in file order; a malformed line is a one-line error naming the file and line.</summary>
    public IEnumerable<DatasetRecord> Records() => ReadLines(RecordsPath);

    /// <summary>Records of any dataset.jsonl file.</summary>
    public static IEnumerable<DatasetRecord> ReadLines(string path)
    {
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return DatasetRecordJson.Deserialize(line, $"{path} line {n}");
        }
    }

    /// <summary>The full path of a record's image.</summary>
    public string ImagePath(DatasetRecord record) => Path.GetFullPath(Path.Combine(Root, record.Image));
}
