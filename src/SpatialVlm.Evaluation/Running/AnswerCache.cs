using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SpatialVlm.Evaluation;

/// <summary>
/// Answers already paid for, so a rerun into the same output folder does not ask the model again. Keyed by a
/// hash of the model SPEC (and prompt settings), the question and the image bytes; one JSON line per answer, appended as answers
/// arrive (a torn last line from a killed run is skipped on load).
/// </summary>
public sealed class AnswerCache : IDisposable
{
    private readonly ConcurrentDictionary<string, string> answers = new(StringComparer.Ordinal);
    private readonly StreamWriter writer;
    private readonly Lock gate = new();

    public AnswerCache(string path)
    {
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
            {
                try
                {
                    using var doc = JsonDocument.Parse(line);
                    if (doc.RootElement.TryGetProperty("key", out var k) && doc.RootElement.TryGetProperty("answer", out var a) &&
                        k.ValueKind == JsonValueKind.String && a.ValueKind == JsonValueKind.String)
                        answers[k.GetString()!] = a.GetString()!;
                }
                catch (JsonException) { } // a torn line is simply not cached
            }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public int Count => answers.Count;

    /// <param name="scope">The model SPEC and anything else that changes answers.</param>
    public static string Key(string scope, BenchmarkItem item)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(scope + "\n" + item.Question + "\n"));
        sha.AppendData(File.ReadAllBytes(item.ImagePath));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public bool TryGet(string key, out string answer) => answers.TryGetValue(key, out answer!);

    public void Add(string key, string answer)
    {
        answers[key] = answer;
        var line = JsonSerializer.Serialize(new Dictionary<string, string> { ["key"] = key, ["answer"] = answer });
        lock (gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    public void Dispose() => writer.Dispose();
}
