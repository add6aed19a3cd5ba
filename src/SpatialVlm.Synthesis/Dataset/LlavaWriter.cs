using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Contracts.Dataset;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>LLaVA-style JSON: [{id, image, conversations: [{from: human|gpt, value}]}], image token on the first turn.</summary>
public static class LlavaWriter
{
    public static void Write(string path, IEnumerable<DatasetRecord> records)
    {
        var all = new JsonArray();
        foreach (var r in records)
        {
            var conv = new JsonArray();
            foreach (var m in ChatMessages.Of(r.Qa))
                conv.Add(new JsonObject
                {
                    ["from"] = m.Role == "user" ? "human" : "gpt",
                    ["value"] = m.WithImage ? "<image>\n" + m.Text : m.Text,
                });
            all.Add(new JsonObject { ["id"] = r.Id, ["image"] = r.Image, ["conversations"] = conv });
        }
        AtomicFile.WriteAllText(path, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
