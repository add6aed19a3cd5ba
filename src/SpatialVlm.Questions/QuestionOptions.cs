using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// How questions are chosen and rendered for one image. Defaults: 30 QA per image, every type weighted
/// equally, no uncertainty answers (within-margin pairs are skipped), SPATIAL.md margins, default number
/// rendering and ambiguity rule, the shipped templates. All randomness comes from the Random passed to
/// <see cref="QuestionEngine.Generate"/>; use <see cref="SceneRandom"/> for one stream per scene.
/// </summary>
public sealed record QuestionOptions
{
    public int QaPerImage { get; init; } = 30;
    /// <summary>Relative weight per type id (missing = 1, 0 = never asked). Types are drawn so that
    /// counts stay proportional to these weights as far as candidates allow.</summary>
    public IReadOnlyDictionary<string, double>? TypeWeights { get; init; }
    /// <summary>Ask within-margin pairs too, answered "they are about level" and marked uncertain.</summary>
    public bool UncertaintyAnswers { get; init; }
    /// <summary>At most this share of an image's QA may be uncertainty answers.</summary>
    public double MaxUncertainShare { get; init; } = 0.1;
    public MarginPolicy Margins { get; init; } = new();
    public HumanNumberOptions Numbers { get; init; } = new();
    public AmbiguityOptions Ambiguity { get; init; } = new();
    public TemplateTable Templates { get; init; } = TemplateTable.Default;

    public double WeightOf(string typeId) => TypeWeights != null && TypeWeights.TryGetValue(typeId, out var w) ? w : 1.0;

    public QuestionOptions Validated()
    {
        if (QaPerImage < 0) throw new SpatialVlmException($"QA per image must be ≥ 0, got {QaPerImage}");
        if (!(MaxUncertainShare >= 0 && MaxUncertainShare <= 1)) throw new SpatialVlmException("uncertain share must lie in [0, 1]");
        foreach (var (id, w) in TypeWeights ?? new Dictionary<string, double>())
        {
            QuestionCatalog.Get(id);
            if (!(w >= 0) || double.IsInfinity(w)) throw new SpatialVlmException($"type weight of {id} must be a finite number ≥ 0, got {w}");
        }
        Numbers.Validated();
        return this;
    }

    /// <summary>A Random for one scene derived from the run seed and the scene id (stable across runs and
    /// platforms, unlike string.GetHashCode), so scenes can be processed in any order or in parallel.</summary>
    public static Random SceneRandom(long runSeed, string sceneId) => new(Seeds.Derive(runSeed, sceneId));
}
