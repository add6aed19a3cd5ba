using SpatialVlm.Core;

namespace SpatialVlm.Questions;

/// <summary>
/// Turns one image's objects into QA: names objects (ambiguity rule), finds every askable question of
/// the 43 types, samples a balanced mix of types and pairs, and renders text. Deterministic for a given
/// Random state. Frames: boxes are in viewer axes (see <see cref="SpatialObject"/>); when
/// <c>canonicalized</c> is false the types that need canonicalization are skipped and left/right,
/// behind/front use whatever lateral/forward the caller mapped from the camera frame.
/// </summary>
public sealed class QuestionEngine(QuestionOptions options)
{
    readonly QuestionOptions options = options.Validated();

    public QuestionOptions Options => options;

    /// <summary>One askable question before rendering; B is null for single-object types.</summary>
    readonly record struct Candidate(QuestionType Type, SpatialObject A, SpatialObject? B, object Value, bool Uncertain);

    /// <param name="gapOverride">a measured surface gap for (a id, b id), or null to use the exact box gap</param>
    public QuestionSet Generate(IReadOnlyList<SpatialObject> objects, bool canonicalized, Random rng, Func<int, int, double?>? gapOverride = null)
    {
        foreach (var o in objects) o.Validated();
        var duplicate = objects.GroupBy(o => o.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new SpatialVlmException($"object id {duplicate.Key} appears twice");

        var skipped = new List<SkippedQuestion>();
        var dropped = new List<int>();
        var names = ReferringExpressions.Resolve(objects, options.Ambiguity, options.Margins, dropped);
        skipped.AddRange(dropped.Select(id => new SkippedQuestion(SkipReasons.AnyType, id, QaItem.NoObject, SkipReasons.AmbiguousCaption)));
        var usable = objects.Where(o => names.ContainsKey(o.Id)).ToList();

        var candidates = new List<List<Candidate>>();
        foreach (var type in QuestionCatalog.All)
        {
            var list = new List<Candidate>();
            candidates.Add(list);
            string? typeSkip =
                options.WeightOf(type.Id) == 0 ? SkipReasons.DisabledByOptions
                : type.NeedsCanonicalization && !canonicalized ? SkipReasons.NeedsCanonicalization
                : type.SingleObject ? (usable.Count == 0 ? SkipReasons.NoObjects : null)
                : usable.Count < 2 ? SkipReasons.FewerThanTwoObjects : null;
            if (typeSkip != null) { skipped.Add(new(type.Id, QaItem.NoObject, QaItem.NoObject, typeSkip)); continue; }
            Collect(type, usable, gapOverride, list, skipped);
        }

        var chosen = Sample(candidates, rng);
        var items = chosen.Select(c => Render(c, names, rng)).ToList();
        return new QuestionSet(items, skipped, names);
    }

    void Collect(QuestionType type, List<SpatialObject> usable, Func<int, int, double?>? gapOverride, List<Candidate> list, List<SkippedQuestion> skipped)
    {
        if (type.SingleObject)
        {
            foreach (var a in usable)
            {
                var single = QuestionCatalog.Assess(type, a, a, options.Margins, () => 0);
                if (single.Eligibility == Eligibility.SizeUnknown) skipped.Add(new(type.Id, a.Id, QaItem.NoObject, SkipReasons.SizeUnknown));
                else list.Add(new(type, a, null, single.Value, false));
            }
            return;
        }
        // Choice questions and symmetric quantities are asked once per unordered pair.
        bool unordered = type.Symmetric || type.Kind == QuestionKind.Choice;
        for (int i = 0; i < usable.Count; i++)
            for (int j = unordered ? i + 1 : 0; j < usable.Count; j++)
            {
                if (i == j) continue;
                var (a, b) = (usable[i], usable[j]);
                var assessment = QuestionCatalog.Assess(type, a, b, options.Margins, () => Gap(a, b, gapOverride));
                switch (assessment.Eligibility)
                {
                    case Eligibility.Askable:
                        list.Add(new(type, a, b, assessment.Value, false));
                        break;
                    case Eligibility.WithinMargin when options.UncertaintyAnswers && type.Kind != QuestionKind.Quantitative:
                        list.Add(new(type, a, b, assessment.Value, true));
                        break;
                    case Eligibility.WithinMargin:
                        skipped.Add(new(type.Id, a.Id, b.Id, SkipReasons.WithinMargin));
                        break;
                    case Eligibility.SizeUnknown:
                        skipped.Add(new(type.Id, a.Id, b.Id, SkipReasons.SizeUnknown));
                        break;
                }
            }
    }

    static double Gap(SpatialObject a, SpatialObject b, Func<int, int, double?>? gapOverride)
    {
        if (gapOverride?.Invoke(a.Id, b.Id) is { } measured)
            return double.IsFinite(measured) && measured >= 0 ? measured
                : throw new SpatialVlmException($"measured gap between objects {a.Id} and {b.Id} is {measured}, expected a finite length ≥ 0");
        return BoxGap.Between(a.Box, b.Box);
    }

    /// <summary>
    /// Weighted round robin over types (the type whose count is lowest relative to its weight goes next,
    /// ties drawn at random), and within a type the least-used pair (or object), preferring certain
    /// answers and, for predicates, whichever of yes/no has been given less.
    /// </summary>
    List<Candidate> Sample(List<List<Candidate>> candidates, Random rng)
    {
        var types = QuestionCatalog.All;
        var counts = new int[types.Count];
        var pairUse = new Dictionary<(int, int), int>();
        var objectUse = new Dictionary<int, int>();
        int yes = 0, no = 0, uncertain = 0;
        int maxUncertain = (int)Math.Floor(options.MaxUncertainShare * options.QaPerImage);
        var chosen = new List<Candidate>();
        var ties = new List<int>();

        while (chosen.Count < options.QaPerImage)
        {
            ties.Clear();
            double best = double.PositiveInfinity;
            for (int t = 0; t < types.Count; t++)
            {
                if (!candidates[t].Any(c => !c.Uncertain || uncertain < maxUncertain)) continue;
                var score = (counts[t] + 1) / options.WeightOf(types[t].Id);
                if (score < best - 1e-12) { best = score; ties.Clear(); }
                if (score <= best + 1e-12) ties.Add(t);
            }
            if (ties.Count == 0) break;
            int type = ties[rng.Next(ties.Count)];

            var pool = candidates[type];
            int Use(Candidate c) => c.B is null ? objectUse.GetValueOrDefault(c.A.Id) : pairUse.GetValueOrDefault(Key(c));
            int Rank(Candidate c) => (c.Uncertain ? 1 : 0) * 4 + (c.Value is bool v && (v ? yes > no : no > yes) ? 1 : 0);
            var eligible = pool.Where(c => !c.Uncertain || uncertain < maxUncertain).ToList();
            var minKey = eligible.Min(c => (Use(c), Rank(c)));
            var best2 = eligible.Where(c => (Use(c), Rank(c)) == minKey).ToList();
            var pick = best2[rng.Next(best2.Count)];
            pool.Remove(pick);

            chosen.Add(pick);
            counts[type]++;
            if (pick.B is null) objectUse[pick.A.Id] = objectUse.GetValueOrDefault(pick.A.Id) + 1;
            else pairUse[Key(pick)] = pairUse.GetValueOrDefault(Key(pick)) + 1;
            if (pick.Uncertain) uncertain++;
            else if (pick.Value is bool answer) { if (answer) yes++; else no++; }
        }
        return chosen;
    }

    static (int, int) Key(Candidate c) => (Math.Min(c.A.Id, c.B!.Id), Math.Max(c.A.Id, c.B!.Id));

    QaItem Render(Candidate c, IReadOnlyDictionary<int, string> names, Random rng)
    {
        var (a, b) = (c.A, c.B);
        // Unordered types read both ways; the order in the text is drawn.
        if (b != null && (c.Type.Symmetric || c.Type.Kind == QuestionKind.Choice) && rng.Next(2) == 1) (a, b) = (b, a);
        var values = new Dictionary<string, string> { ["A"] = names[a.Id] };
        if (b != null) values["B"] = names[b.Id];
        var t = options.Templates;
        var question = Pick(t.Get(c.Type.Id, "Q"), c.Type.Id, "Q", rng);

        IReadOnlyList<string> answers;
        string section = c.Type.Id, slot = "A";
        if (c.Uncertain) section = UncertainSection(c.Type.DecidingPair!);
        else if (c.Type.Kind == QuestionKind.Predicate) slot = (bool)c.Value ? "YES" : "NO";
        else if (c.Type.Kind == QuestionKind.Choice) values["X"] = names[(int)c.Value];
        else if (c.Type.Kind == QuestionKind.Classify) values["PHRASE"] = Relations.ByWord((string)c.Value).Phrase;
        else
        {
            var meters = (double)c.Value;
            values["V"] = HumanNumber.Render(meters, rng, options.Numbers).Text;
            if (meters == 0 && t.Get(section, "ZERO").Count > 0) slot = "ZERO";
        }
        answers = t.Get(section, slot);
        var answer = Pick(answers, section, slot, rng);
        return new QaItem(c.Type, a.Id, b?.Id ?? QaItem.NoObject,
            TemplateTable.Fill(question, values), TemplateTable.Fill(answer, values), c.Value, c.Uncertain);
    }

    public static string UncertainSection(RelationPair pair) => $"{pair.Positive}-{pair.Negative}-uncertain";

    static string Pick(IReadOnlyList<string> templates, string section, string slot, Random rng) =>
        templates.Count > 0 ? templates[rng.Next(templates.Count)]
        : throw new SpatialVlmException($"no '{slot}' templates for [{section}]");
}
