using System.Text.Json;
using System.Text.Json.Nodes;
using SpatialVlm.Core;

namespace SpatialVlm.Synthesis.Dataset;

/// <summary>LLaVA-style JSON: [{id, image, conversations: [{from: human|gpt, value}]}], image token on the first turn.</summary>
public static class LlavaWriter
{
    public static void Write(string path, IEnumerable<JsonObject> records)
    {
        var all = new JsonArray();
        foreach (var r in records)
        {
            var conv = new JsonArray();
            bool first = true;
            foreach (var m in r["messages"]!.AsArray())
            {
                var role = (string)m!["role"]!;
                var text = string.Join("\n", m["content"]!.AsArray().Where(c => (string?)c!["type"] == "text").Select(c => (string)c!["text"]!));
                if (role == "user" && first) { text = "<image>\n" + text; first = false; }
                conv.Add(new JsonObject { ["from"] = role == "user" ? "human" : "gpt", ["value"] = text });
            }
            all.Add(new JsonObject { ["id"] = (string)r["id"]!, ["image"] = (string)r["image"]!, ["conversations"] = conv });
        }
        AtomicFile.WriteAllText(path, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
