namespace SpatialVlm.Synthesis.Dataset;

/// <summary>Output formats besides the always-written dataset.jsonl.</summary>
[Flags]
public enum DatasetFormat { Jsonl = 1, Parquet = 2, Llava = 4 }

public static class DatasetFormats
{
    /// <summary>Parses "jsonl,parquet,llava" (any order, any subset).</summary>
    public static DatasetFormat Parse(string text)
    {
        DatasetFormat f = DatasetFormat.Jsonl;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new FormatException("no output format given (expected any of jsonl, parquet, llava)");
        foreach (var part in parts)
            f |= part.ToLowerInvariant() switch
            {
                "jsonl" => DatasetFormat.Jsonl,
                "parquet" => DatasetFormat.Parquet,
                "llava" => DatasetFormat.Llava,
                _ => throw new FormatException($"unknown format '{part}' (expected jsonl, parquet or llava)"),
            };
        return f;
    }
}
