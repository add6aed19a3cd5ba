using SpatialVlm.Core;

namespace SpatialVlm.Reasoning;

/// <summary>How compositional tasks are drawn from scene folders.</summary>
public sealed record TaskBuildOptions
{
    /// <summary>Tasks per scene; families are cycled so the whole file stays balanced. Default 5.</summary>
    public int TasksPerScene { get; init; } = 5;
    /// <summary>Stop after this many tasks (0 = no limit). Default 0.</summary>
    public int MaxTasks { get; init; }
    public long Seed { get; init; } = 1;
    /// <summary>Families to draw (default all seven).</summary>
    public IReadOnlyList<TaskFamily> Families { get; init; } = Enum.GetValues<TaskFamily>();
    /// <summary>
    /// Two quantities a task compares (two distances, a distance and a radius, a gap and a width) must differ by at
    /// least this many meters ... (default 0.15 m) ...
    /// </summary>
    public double ClearanceM { get; init; } = 0.15;
    /// <summary>... and by at least this share of the larger (default 0.1), so the answer does not hinge on centimetres no picture shows.</summary>
    public double ClearanceShare { get; init; } = 0.1;
    /// <summary>isosceles: two sides are equal when they differ by at most this share of the longer (default 0.1).</summary>
    public double IsoscelesTolerance { get; init; } = 0.1;
    /// <summary>isosceles: the smallest difference must lie this far inside or outside the tolerance (default 0.05).</summary>
    public double IsoscelesBand { get; init; } = 0.05;
    /// <summary>reachable: an arm's length, centre to centre (default 0.8 m, an adult's reach).</summary>
    public double ArmLengthM { get; init; } = 0.8;
    /// <summary>fits: only pairs whose surfaces are at least this far apart (default 0.3 m).</summary>
    public double MinGapM { get; init; } = 0.3;
    /// <summary>Candidates named by closest, farthest and order (at most; default 3).</summary>
    public int Candidates { get; init; } = 3;
    /// <summary>Candidates named by count-within (at most; default 4).</summary>
    public int CountCandidates { get; init; } = 4;
}

/// <summary>What a build wrote.</summary>
/// <param name="YesByFamily">Yes/no families: how many tasks answer yes.</param>
/// <param name="SceneIds">The scenes drawn from, in order (a procedural scene's id is its seed).</param>
/// <param name="CardPath">The card written beside the task file (NAME.card.md).</param>
public sealed record TaskBuildSummary(int Tasks, int Scenes, IReadOnlyDictionary<TaskFamily, int> ByFamily, int ScenesWithoutTasks,
    IReadOnlyDictionary<TaskFamily, int> YesByFamily, IReadOnlyList<string> SceneIds, string CardPath);

/// <summary>
/// Compositional tasks with exact answers from scene folders (scene.json ground truth): objects are named as the
/// question engine names them (same-caption pairs get a position clause, larger groups are left out); each answer is
/// computed by <see cref="TaskSolver"/> on the exact centre distances and surface gaps, and a task is kept only when
/// every comparison it rests on clears <see cref="TaskBuildOptions.ClearanceM"/> and <see cref="TaskBuildOptions.ClearanceShare"/>.
/// </summary>
public static class TaskBuilder
{
    private sealed record NamedObject(int Id, string Name, UprightBox Box);

    public static TaskBuildSummary Build(string fromDir, string outFile, TaskBuildOptions options)
    {
        if (options.TasksPerScene < 1) throw new SpatialVlmException($"tasks per scene must be positive, got {options.TasksPerScene}");
        if (options.Families.Count == 0) throw new SpatialVlmException("no task families to draw");
        if (!Directory.Exists(fromDir)) throw new SpatialVlmException($"{fromDir}: no such folder");
        var sceneDirs = Directory.GetDirectories(fromDir).Where(d => File.Exists(Path.Combine(d, "scene.json"))).Order(StringComparer.Ordinal).ToList();
        if (sceneDirs.Count == 0) throw new SpatialVlmException($"{fromDir}: no scene folders (scene.json); tasks need exact 3D ground truth");
        var outFolder = Path.GetDirectoryName(Path.GetFullPath(outFile))!;
        var lines = new List<string>();
        var byFamily = new SortedDictionary<TaskFamily, int>();
        var yesByFamily = new SortedDictionary<TaskFamily, int>();
        var sceneIds = new List<string>();
        var wantYes = new Dictionary<TaskFamily, bool>();
        int familyCursor = 0, scenes = 0, empty = 0;
        foreach (var dir in sceneDirs)
        {
            if (options.MaxTasks > 0 && lines.Count >= options.MaxTasks) break;
            var scene = SceneDescription.Load(Path.Combine(dir, "scene.json"));
            var objects = Named(scene);
            var rng = new Random(Hash32(scene.Id) ^ (int)options.Seed);
            var image = Path.GetRelativePath(outFolder, Path.Combine(Path.GetFullPath(dir), scene.Image)).Replace('\\', '/');
            int made = 0;
            for (int attempt = 0; attempt < options.TasksPerScene * 3 && made < options.TasksPerScene; attempt++)
            {
                if (options.MaxTasks > 0 && lines.Count >= options.MaxTasks) break;
                var family = options.Families[familyCursor % options.Families.Count];
                var yes = wantYes.GetValueOrDefault(family, true);
                var task = Draw(family, objects, rng, options, yes) ?? Draw(family, objects, rng, options, !yes);
                familyCursor++;
                if (task is null) continue;
                var id = $"{scene.Id}-t{made:D2}";
                var query = task.Value.Query;
                lines.Add(TaskFile.ToJsonLine(new ReasoningTask
                {
                    Id = id,
                    Image = image,
                    Family = family,
                    Question = TaskQuestionText.Render(query),
                    Objects = ObjectsOf(query),
                    Answer = task.Value.Answer,
                    Parameters = query.Parameters,
                    Exact = task.Value.Exact,
                }));
                if (task.Value.Answer.Yes is { } y)
                {
                    wantYes[family] = !y;
                    yesByFamily[family] = yesByFamily.GetValueOrDefault(family) + (y ? 1 : 0);
                }
                byFamily[family] = byFamily.GetValueOrDefault(family) + 1;
                made++;
            }
            scenes++;
            sceneIds.Add(scene.Id);
            if (made == 0) empty++;
        }
        if (lines.Count == 0) throw new SpatialVlmException($"{fromDir}: no task could be drawn from any scene (too few clearly separated objects)");
        AtomicFile.WriteAllText(outFile, string.Join("\n", lines) + "\n");
        var summary = new TaskBuildSummary(lines.Count, scenes, byFamily, empty, yesByFamily, sceneIds, BenchmarkCardFile.PathFor(outFile));
        AtomicFile.WriteAllText(summary.CardPath, TaskCard.Render(summary, Path.GetFileName(outFile), Path.GetFullPath(fromDir), options));
        return summary;
    }

    private static List<TaskObject> ObjectsOf(TaskQuery q) =>
    [
        .. q.Subjects.Select(o => new TaskObject(o.Id!.Value, o.Phrase, TaskObjectRole.Subject)),
        .. (q.Reference is { } r ? [new TaskObject(r.Id!.Value, r.Phrase, TaskObjectRole.Reference)] : Array.Empty<TaskObject>()),
        .. q.Candidates.Select(o => new TaskObject(o.Id!.Value, o.Phrase, TaskObjectRole.Candidate)),
    ];

    /// <summary>The scene's objects with the names questions use (no article); unnameable ones are left out.</summary>
    private static List<NamedObject> Named(SceneDescription scene)
    {
        var names = SceneObjects.Names(scene);
        return scene.Objects.Where(o => names.ContainsKey(o.Id)).Select(o => new NamedObject(o.Id, names[o.Id], o.Box)).OrderBy(o => o.Id).ToList();
    }

    private static double Distance(NamedObject a, NamedObject b) => (a.Box.Center - b.Box.Center).Length;

    private static bool Clear(double x, double y, TaskBuildOptions o) => Math.Abs(x - y) >= Math.Max(o.ClearanceM, o.ClearanceShare * Math.Max(x, y));

    private static ObjectReference Ref(NamedObject o) => new(o.Name, o.Id);

    private readonly record struct Drawn(TaskQuery Query, TaskAnswer Answer, IReadOnlyList<TaskMeasurement> Exact);

    /// <summary>A task of the family whose answer clears every margin (and is <paramref name="yes"/> for yes/no families), or null after a bounded search.</summary>
    private static Drawn? Draw(TaskFamily family, List<NamedObject> objects, Random rng, TaskBuildOptions o, bool yes)
    {
        var need = family switch { TaskFamily.Fits => 2, TaskFamily.Reachable => 2, TaskFamily.Isosceles => 3, _ => 3 };
        if (objects.Count < need) return null;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            var shuffled = objects.OrderBy(_ => rng.Next()).ToList();
            TaskQuery? query = null;
            switch (family)
            {
                case TaskFamily.Isosceles:
                {
                    var (a, b, c) = (shuffled[0], shuffled[1], shuffled[2]);
                    double[] sides = [Distance(a, b), Distance(b, c), Distance(a, c)];
                    var difference = TaskSolver.SmallestRelativeDifference(sides);
                    var isYes = difference <= o.IsoscelesTolerance - o.IsoscelesBand;
                    var isNo = difference >= o.IsoscelesTolerance + o.IsoscelesBand;
                    if (sides.Min() < o.ClearanceM * 2 || (yes ? !isYes : !isNo)) continue;
                    query = new TaskQuery(family, [Ref(a), Ref(b), Ref(c)], null, [], new TaskParameters { Tolerance = o.IsoscelesTolerance });
                    break;
                }
                case TaskFamily.Fits:
                {
                    var (a, b) = (shuffled[0], shuffled[1]);
                    var gap = BoxGap.Between(a.Box, b.Box);
                    if (gap < o.MinGapM) continue;
                    var width = Math.Round(gap * (yes ? 0.4 + 0.35 * rng.NextDouble() : 1.3 + 0.5 * rng.NextDouble()) / 0.05) * 0.05;
                    if (width <= 0 || !Clear(gap, width, o) || (gap >= width) != yes) continue;
                    query = new TaskQuery(family, [Ref(a), Ref(b)], null, [], new TaskParameters { WidthM = Math.Round(width, 2) });
                    break;
                }
                case TaskFamily.Reachable:
                {
                    var (a, b) = (shuffled[0], shuffled[1]);
                    var d = Distance(a, b);
                    if (!Clear(d, o.ArmLengthM, o) || (d <= o.ArmLengthM) != yes) continue;
                    query = new TaskQuery(family, [Ref(a)], null, [Ref(b)], new TaskParameters { ArmLengthM = o.ArmLengthM });
                    break;
                }
                case TaskFamily.Closest or TaskFamily.Farthest or TaskFamily.Order:
                {
                    var reference = shuffled[0];
                    var candidates = shuffled.Skip(1).Take(o.Candidates).ToList();
                    var sorted = candidates.Select(c => Distance(reference, c)).Order().ToList();
                    var clear = family switch
                    {
                        TaskFamily.Closest => Clear(sorted[0], sorted[1], o),
                        TaskFamily.Farthest => Clear(sorted[^1], sorted[^2], o),
                        _ => sorted.Zip(sorted.Skip(1)).All(p => Clear(p.First, p.Second, o)),
                    };
                    if (!clear) continue;
                    query = new TaskQuery(family, [], Ref(reference), candidates.Select(Ref).ToList(), new TaskParameters());
                    break;
                }
                case TaskFamily.CountWithin:
                {
                    var reference = shuffled[0];
                    var candidates = shuffled.Skip(1).Take(o.CountCandidates).ToList();
                    var distances = candidates.Select(c => Distance(reference, c)).ToList();
                    var sorted = distances.Order().ToList();
                    var split = rng.Next(0, sorted.Count + 1);
                    var radius = split == 0 ? sorted[0] * 0.6 : split == sorted.Count ? sorted[^1] * 1.3 : (sorted[split - 1] + sorted[split]) / 2;
                    radius = Math.Round(radius / 0.05) * 0.05;
                    if (radius < 0.1 || distances.Any(d => !Clear(d, radius, o))) continue;
                    query = new TaskQuery(family, [], Ref(reference), candidates.Select(Ref).ToList(), new TaskParameters { RadiusM = Math.Round(radius, 2) });
                    break;
                }
            }
            if (query is null) continue;
            var needed = TaskSolver.Needed(query);
            var byId = objects.ToDictionary(x => x.Id);
            var exact = needed.Select(m =>
            {
                var (a, b) = (byId[m.A.Id!.Value], byId[m.B.Id!.Value]);
                return new TaskMeasurement(a.Id, b.Id, m.Quantity, Math.Round(m.Quantity == "gap" ? BoxGap.Between(a.Box, b.Box) : Distance(a, b), 4));
            }).ToList();
            var answer = TaskSolver.Solve(query, exact.Select(e => e.Meters).ToList());
            return new Drawn(query, answer, exact);
        }
        return null;
    }

    /// <summary>A stable 32-bit FNV-1a hash (string.GetHashCode differs between processes).</summary>
    private static int Hash32(string s)
    {
        uint h = 2166136261;
        foreach (var ch in s) { h ^= ch; h *= 16777619; }
        return (int)h;
    }
}
