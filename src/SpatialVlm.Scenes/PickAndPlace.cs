using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>The gripper's state at one frame: grasp point (world), finger opening, phase, and where the picked object is.</summary>
public readonly record struct GripperPose(Point3 Grasp, double Opening, string Phase, Point3 TargetOrigin);

/// <summary>
/// A tabletop scene's pick-and-place sequence ("pick X; put X in the bowl") seen by the scene's fixed camera: the gripper
/// moves from where it hovers to above X, descends, closes its fingers on X, lifts it, carries it over the bowl, lowers
/// it onto the bowl, opens and rises. Frame k is a complete scene folder frames/kkkk/ (id scene-SEED-fKKKK) whose
/// scene.json carries "robot" with the exact gripper–object distance; frames/sequence.json lists the distances.
/// Deterministic for a seed.
/// </summary>
public static class PickAndPlace
{
    /// <summary>Index of the picked object, the bowl and the gripper in the layout, and the pose per frame; null when the scene has no bowl, gripper or graspable object.</summary>
    public static (int Target, int Bowl, int Gripper, GripperPose[] Poses)? Plan(SceneLayout layout, long seed, int frames)
    {
        var rng = new Random(unchecked((int)((ulong)seed * 0xA24BAED4963EE407UL >> 33)));
        var objects = layout.Objects;
        int bowl = IndexOf(objects, TabletopCatalog.Bowl), gripper = IndexOf(objects, TabletopCatalog.Gripper);
        if (bowl < 0 || gripper < 0 || frames < 1) return null;
        // Graspable: fits between the open fingers across its narrow side.
        var candidates = Enumerable.Range(0, objects.Count).Where(i => i != bowl && i != gripper && objects[i].Box.Length <= 0.085).ToArray();
        if (candidates.Length == 0) return null;
        var target = candidates[rng.Next(candidates.Length)];
        var t = objects[target];
        var box = t.Box;
        var start = objects[gripper].Origin;
        double open = 0.09, closed = Math.Max(0.004, box.Length - 0.002);
        var grasp = box.Center;
        var above = new Point3(grasp.X, grasp.Y, box.Top + 0.1);
        var b = objects[bowl].Box;
        var carryZ = Math.Max(above.Z, b.Top + box.Height + 0.1);
        var lifted = new Point3(grasp.X, grasp.Y, carryZ);
        var overBowl = new Point3(b.Center.X, b.Center.Y, carryZ);
        var inBowl = new Point3(b.Center.X, b.Center.Y, b.Top + (grasp.Z - box.Bottom) + 0.001);
        var retreat = new Point3(b.Center.X, b.Center.Y, carryZ + 0.05);
        // Phases over normalized time: (end, phase, from, to, opening from, to, carried?).
        var legs = new (double End, string Phase, Point3 From, Point3 To, double O0, double O1, bool Carried)[]
        {
            (0.25, "approach", start, above, open, open, false),
            (0.40, "descend", above, grasp, open, open, false),
            (0.48, "grasp", grasp, grasp, open, closed, false),
            (0.58, "lift", grasp, lifted, closed, closed, true),
            (0.75, "carry", lifted, overBowl, closed, closed, true),
            (0.86, "place", overBowl, inBowl, closed, closed, true),
            (0.92, "release", inBowl, inBowl, closed, open, false),
            (1.00, "retreat", inBowl, retreat, open, open, false),
        };
        var poses = new GripperPose[frames];
        var offset = t.Origin - grasp; // object origin relative to the grasp point while carried
        var placedOrigin = inBowl + offset;
        for (int f = 0; f < frames; f++)
        {
            double s = frames == 1 ? 0 : f / (double)(frames - 1), legStart = 0;
            foreach (var leg in legs)
            {
                if (s > leg.End + 1e-12) { legStart = leg.End; continue; }
                var u = (s - legStart) / (leg.End - legStart);
                var p = leg.From + (leg.To - leg.From) * u;
                var o = leg.O0 + (leg.O1 - leg.O0) * u;
                var carried = leg.Carried;
                var after = legStart >= 0.86 - 1e-12; // released in the bowl
                poses[f] = new GripperPose(p, o, leg.Phase, carried ? p + offset : after ? placedOrigin : t.Origin);
                break;
            }
        }
        return (target, bowl, gripper, poses);
    }

    private static int IndexOf(IReadOnlyList<PlacedObject> objects, ObjectCategory category)
    {
        for (int i = 0; i < objects.Count; i++) if (ReferenceEquals(objects[i].Category, category)) return i;
        return -1;
    }

    /// <summary>Frame f of the sequence planned for the scene's layout, rendered in memory (scene.json with "robot").</summary>
    public static RenderedScene RenderFrame(SceneGenerator generator, long seed, SceneLayout layout, (int Target, int Bowl, int Gripper, GripperPose[] Poses) plan, int f)
    {
        var p = plan;
        var objects0 = layout.Objects;
        var pose = p.Poses[f];
        var objects = objects0.ToList();
        objects[p.Target] = objects0[p.Target].MovedTo(pose.TargetOrigin);
        // Fingers close across the object's narrow side.
        objects[p.Gripper] = TabletopLayoutSampler.MakeGripperLike(objects0[p.Gripper], pose.Grasp, objects0[p.Target].Yaw + Math.PI / 2, pose.Opening);
        var distance = R((pose.Grasp - objects[p.Target].Box.Center).Length);
        var frame = layout with { Objects = objects };
        var buffers = SceneRenderer.Render(frame, generator.Options.AntiAlias);
        var counts = new int[objects.Count + 1];
        foreach (var id in buffers.Instances) counts[id]++;
        var description = SceneGenerator.Describe($"{SceneGenerator.SceneId(seed)}-f{f:D4}", seed, frame, counts) with
        {
            Robot = new SceneRobot
            {
                Task = Task(layout, p.Target, p.Bowl), Target = p.Target + 1, Container = p.Bowl + 1, Gripper = p.Gripper + 1, Frame = f, Phase = pose.Phase,
                GripperCenter = [R(pose.Grasp.X), R(pose.Grasp.Y), R(pose.Grasp.Z)], GripperOpening = R(pose.Opening),
                GripperObjectDistance = distance,
            },
        };
        return new RenderedScene(description, buffers.Image, buffers.DepthMillimeters, buffers.Instances, buffers.SurfaceIds);
    }

    private static string Task(SceneLayout layout, int target, int bowl) =>
        $"pick the {layout.Objects[target].Caption}; put the {layout.Objects[target].Caption} in the {layout.Objects[bowl].Caption}";

    public static void WriteFrames(SceneGenerator generator, long seed, int frames, string dir)
    {
        var layout = generator.GenerateWithLayout(seed).Layout;
        var plan = Plan(layout, seed, frames);
        if (plan is not { } p) return; // nothing to pick: no frames
        var objects0 = layout.Objects;
        var task = Task(layout, p.Target, p.Bowl);
        var distances = new List<double>();
        for (int f = 0; f < frames; f++)
        {
            var pose = p.Poses[f];
            distances.Add(R((pose.Grasp - objects0[p.Target].MovedTo(pose.TargetOrigin).Box.Center).Length));
            var frameDir = Path.Combine(dir, f.ToString("D4"));
            if (SceneFolder.IsComplete(frameDir)) continue;
            SceneFolder.Write(frameDir, RenderFrame(generator, seed, layout, p, f));
        }
        var summary = new
        {
            task,
            target = new { id = p.Target + 1, caption = objects0[p.Target].Caption },
            container = new { id = p.Bowl + 1, caption = objects0[p.Bowl].Caption },
            gripper = p.Gripper + 1,
            phase = p.Poses.Select(x => x.Phase).ToArray(),
            gripper_object_distance = distances,
        };
        AtomicFile.WriteAllText(Path.Combine(dir, "sequence.json"), System.Text.Json.JsonSerializer.Serialize(summary, SceneDescription.Json));
    }

    private static double R(double v) => Math.Round(v * 1e6) / 1e6;
}
