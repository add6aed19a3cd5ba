using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>The objects of a scene folder as questions name them (the question engine's referring expressions, no article).</summary>
public static class SceneObjects
{
    /// <summary>Object id → name; objects sharing a caption get a position clause, groups that cannot be told apart are left out.</summary>
    public static IReadOnlyDictionary<int, string> Names(SceneDescription scene)
    {
        var spatial = scene.Objects.Select(o => new SpatialObject(o.Id, o.Caption, o.Box)).ToList();
        var questions = new QuestionOptions();
        return ReferringExpressions.Resolve(spatial, questions.Ambiguity, questions.Margins, [])
            .ToDictionary(kv => kv.Key, kv => CaptionText.WithoutLeadingArticle(kv.Value));
    }

    /// <summary>The named objects of the scene.json beside an image (a scene folder's image), or none.</summary>
    public static IReadOnlyList<ObjectReference> BesideImage(string imagePath)
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(imagePath))!, "scene.json");
        if (!File.Exists(path)) return [];
        return Names(SceneDescription.Load(path)).OrderBy(kv => kv.Key).Select(kv => new ObjectReference(kv.Value, kv.Key)).ToList();
    }
}
