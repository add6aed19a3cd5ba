using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Optional motion: one floor object slides in a straight line toward another object of the scene, stopping
/// 5 cm short of it or of anything in its way; the camera stays put, so every frame keeps the scene's
/// canonical world frame and object ids. Frame k is a complete scene folder frames/kkkk/ (id
/// scene-SEED-fKKKK); an object hidden in a frame is left out of that frame's scene.json. frames/trajectory.json
/// names the mover and the target and gives their centre distance per frame.
/// </summary>
public static class ObjectTrajectory
{
    /// <summary>The mover's index and the target's index in the layout's objects, and the mover's footprint centre per frame; null when no floor object can move.</summary>
    public static (int Mover, int Target, Point3[] Origins)? Plan(SceneLayout layout, long seed, int frames)
    {
        var rng = new Random(Seeds.Scramble(seed, Seeds.SecondStream));
        var objects = layout.Objects;
        var movers = Enumerable.Range(0, objects.Count).Where(i => !objects[i].OnTable && objects[i].Category != ObjectCatalog.Table).ToArray();
        if (movers.Length == 0 || objects.Count < 2) return null;
        var mover = movers[rng.Next(movers.Length)];
        var targets = Enumerable.Range(0, objects.Count).Where(i => i != mover).ToArray();
        var target = targets[rng.Next(targets.Length)];
        var start = objects[mover].Origin;
        var goal = objects[target].Box.Center;
        var dir = new Point3(goal.X - start.X, goal.Y - start.Y, 0);
        var length = dir.Length;
        if (length < 1e-6) return null;
        dir /= length;
        // Largest travel (1 cm steps) before the mover would come within 5 cm of the target or 2 cm of anything else.
        double travel = 0;
        for (double t = 0.01; t <= length; t += 0.01)
        {
            var box = objects[mover].MovedTo(start + dir * t).Box;
            bool blocked = false;
            for (int j = 0; j < objects.Count && !blocked; j++)
                if (j != mover) blocked = BoxOverlap.Overlaps(box, objects[j].Box, j == target ? 0.05 : 0.02);
            if (blocked) break;
            travel = t;
        }
        var origins = new Point3[frames];
        for (int f = 0; f < frames; f++) origins[f] = start + dir * (frames == 1 ? 0 : travel * f / (frames - 1));
        return (mover, target, origins);
    }

    public static void WriteFrames(SceneGenerator generator, long seed, int frames, string dir)
    {
        var layout = generator.GenerateWithLayout(seed).Layout;
        var plan = Plan(layout, seed, frames);
        var distances = new List<double>();
        for (int f = 0; f < frames; f++)
        {
            var frameDir = Path.Combine(dir, f.ToString("D4"));
            var objects = layout.Objects.ToList();
            if (plan is { } p)
            {
                objects[p.Mover] = objects[p.Mover].MovedTo(p.Origins[f]);
                distances.Add(Math.Round((objects[p.Mover].Box.Center - objects[p.Target].Box.Center).Length * 1e6) / 1e6);
            }
            if (SceneFolder.IsComplete(frameDir)) continue;
            var frame = layout with { Objects = objects };
            var buffers = SceneRenderer.Render(frame, generator.Options.AntiAlias);
            var counts = new int[objects.Count + 1];
            foreach (var id in buffers.Instances) counts[id]++;
            var description = SceneGenerator.Describe($"{SceneGenerator.SceneId(seed)}-f{f:D4}", seed, frame, counts);
            SceneFolder.Write(frameDir, new RenderedScene(description, buffers.Image, buffers.DepthMillimeters, buffers.Instances, buffers.SurfaceIds));
        }
        if (plan is { } q)
        {
            var summary = new
            {
                mover = new { id = q.Mover + 1, caption = layout.Objects[q.Mover].Caption },
                target = new { id = q.Target + 1, caption = layout.Objects[q.Target].Caption },
                center_distance = distances,
            };
            AtomicFile.WriteAllText(Path.Combine(dir, "trajectory.json"), System.Text.Json.JsonSerializer.Serialize(summary, SceneDescription.Json));
        }
    }
}
