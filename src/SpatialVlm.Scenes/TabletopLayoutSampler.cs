using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Draws a robot's tabletop (SceneOptions.Tabletop): the table top is the support plane z = 0 and fills the view (no
/// floor below is seen; past its edge there is no depth), the camera is overhead or wrist-like (pitch 45°–110° below the
/// horizon, roll up to ±30°), a bowl and 5–15 small objects lie on the table, many touching a neighbour, and a two-finger
/// gripper hovers above. The world frame is SPATIAL.md's canonical frame: origin below the camera, +x the horizontal
/// projection of the optical axis, or of the image's up direction (camera −y) when the optical axis is within 10° of
/// vertical. All draws come from the one seeded Random, in a fixed order.
/// </summary>
public static class TabletopLayoutSampler
{
    private static readonly NamedColor[] TableTops =
    [
        new("oak", 0.62f, 0.45f, 0.28f), new("walnut", 0.40f, 0.27f, 0.17f), new("birch", 0.78f, 0.66f, 0.48f),
        new("white laminate", 0.82f, 0.82f, 0.80f), new("gray laminate", 0.50f, 0.51f, 0.53f),
    ];

    /// <summary>Half side of the square table top around the camera's foot (meters).</summary>
    public const double TableHalfSide = 2.5;

    public static SceneLayout Sample(Random rng, SceneOptions o)
    {
        var (intrinsics, worldFromCamera, camera) = SampleCamera(rng, o);
        var top = TableTops[rng.Next(TableTops.Length)];
        var half = TableHalfSide;
        var room = new Room([new(-half, -half, 0), new(half, -half, 0), new(half, half, 0), new(-half, half, 0)], [],
            PortableTrig.Radians(360 * rng.NextDouble()), top, rng.NextDouble() < 0.6 ? SurfacePattern.WoodPlanks : SurfacePattern.Grain, top)
        { Extent = (-half, half, -half, half) };
        var el = PortableTrig.Radians(45 + 35 * rng.NextDouble());
        var az = PortableTrig.Radians(360 * rng.NextDouble());
        var (se, ce) = PortableTrig.SinCos(el); var (sa, ca) = PortableTrig.SinCos(az);
        var light = new Lighting(new Point3(ce * ca, ce * sa, se), 0.55 + 0.15 * rng.NextDouble(), 0.35 + 0.12 * rng.NextDouble());
        var objects = SampleObjects(rng, o, intrinsics, worldFromCamera);
        return new SceneLayout(intrinsics, worldFromCamera, camera, room, light, objects);
    }

    /// <summary>
    /// A camera at height h, pitched and rolled; the world is then turned about z so that the rule's forward is +x.
    /// </summary>
    internal static (CameraIntrinsics, RigidTransform, CameraDraw) SampleCamera(Random rng, SceneOptions o)
    {
        var h = o.TabletopCameraHeight.Sample(rng);
        var pitchDeg = o.TabletopPitchDegrees.Sample(rng);
        var rollDeg = o.TabletopRollDegrees.Sample(rng);
        var fov = o.HorizontalFovDegrees.Sample(rng);
        var (sp, cp) = PortableTrig.SinCos(PortableTrig.Radians(pitchDeg));
        var (sr, cr) = PortableTrig.SinCos(PortableTrig.Radians(rollDeg));
        var forward = new Point3(cp, 0, -sp);
        var right0 = new Point3(0, -1, 0);
        var down0 = new Point3(-sp, 0, -cp);
        var right = right0 * cr + down0 * sr;
        var down = down0 * cr - right0 * sr;
        var rule = RuleForward(forward, -down);
        // Turn the world by −yaw(rule) about z: the rule's forward becomes +x.
        Point3 Turn(Point3 v) => new(rule.X * v.X + rule.Y * v.Y, -rule.Y * v.X + rule.X * v.Y, v.Z);
        (right, down, forward) = (Turn(right), Turn(down), Turn(forward));
        var worldFromCamera = new RigidTransform(
            [right.X, down.X, forward.X, right.Y, down.Y, forward.Y, right.Z, down.Z, forward.Z], new Point3(0, 0, h));
        var f = o.Width / 2.0 / PortableTrig.Tan(PortableTrig.Radians(fov) / 2);
        var intrinsics = new CameraIntrinsics(o.Width, o.Height, f, f, (o.Width - 1) / 2.0, (o.Height - 1) / 2.0);
        return (intrinsics, worldFromCamera, new CameraDraw(h, 0, pitchDeg, rollDeg, fov));
    }

    /// <summary>SPATIAL.md's forward for world directions of the optical axis and the image's up: unit, horizontal.</summary>
    public static Point3 RuleForward(Point3 optical, Point3 imageUp)
    {
        // Within 10° of vertical: |optical.z| > cos 10°.
        var along = Math.Abs(optical.Z) > 0.98480775301220806 ? imageUp : optical;
        return new Point3(along.X, along.Y, 0).Normalized();
    }

    private static List<PlacedObject> SampleObjects(Random rng, SceneOptions o, CameraIntrinsics k, RigidTransform worldFromCamera)
    {
        var cameraFromWorld = worldFromCamera.Inverse();
        var placed = new List<PlacedObject>();
        var target = o.MinObjects + rng.Next(o.MaxObjects - o.MinObjects + 1);
        var bowl = TryPlace(rng, o, k, worldFromCamera, cameraFromWorld, placed, TabletopCatalog.Bowl, touch: false);
        if (bowl != null) placed.Add(bowl);
        for (int i = placed.Count; i < target; i++)
        {
            var category = Pick(rng);
            var obj = TryPlace(rng, o, k, worldFromCamera, cameraFromWorld, placed, category, touch: placed.Count > 0 && rng.NextDouble() < o.TouchProbability);
            if (obj != null) placed.Add(obj);
        }
        if (o.Gripper) placed.Add(HoveringGripper(rng, k, worldFromCamera, cameraFromWorld));
        return placed;
    }

    private static ObjectCategory Pick(Random rng)
    {
        var pool = TabletopCatalog.Loose;
        var x = rng.NextDouble() * pool.Sum(c => c.Weight);
        foreach (var c in pool) { x -= c.Weight; if (x < 0) return c; }
        return pool[^1];
    }

    /// <summary>The gripper 12–25 cm above a table point seen in the upper-middle of the image, fingers open.</summary>
    private static PlacedObject HoveringGripper(Random rng, CameraIntrinsics k, RigidTransform worldFromCamera, RigidTransform cameraFromWorld)
    {
        var yaw = 2 * Math.PI * rng.NextDouble();
        var lift = 0.12 + 0.13 * rng.NextDouble();
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var ground = TablePoint(rng, k, worldFromCamera, 0.2, 0.8, 0.1, 0.6);
            if (ground is not { } g) continue;
            var origin = new Point3(g.X, g.Y, lift);
            var c = cameraFromWorld.Apply(origin + new Point3(0, 0, 0.08));
            if (c.Z > 0.12) return MakeGripper(rng, origin, yaw, 0.09);
        }
        return MakeGripper(rng, worldFromCamera.Translation + new Point3(0, 0, 10), yaw, 0.09); // out of sight: dropped as invisible
    }

    /// <summary>The gripper with its grasp point at <paramref name="origin"/>, turned by yaw, fingers <paramref name="opening"/> apart.</summary>
    public static PlacedObject MakeGripper(Random rng, Point3 origin, double yaw, double opening)
    {
        var color = ColorPalette.Get(TabletopCatalog.Gripper.Colors[rng.Next(TabletopCatalog.Gripper.Colors.Length)]);
        return new PlacedObject
        {
            Category = TabletopCatalog.Gripper, Color = color, Caption = "gripper", Model = TabletopCatalog.BuildGripper(opening),
            Origin = origin, Yaw = yaw, OnTable = false, ScaleDraw = 0.5, SizeWord = "", Tint = (1f, 1f, 1f),
        };
    }

    /// <summary>The same gripper (colour) with its grasp point elsewhere, another yaw and another finger opening.</summary>
    public static PlacedObject MakeGripperLike(PlacedObject gripper, Point3 grasp, double yaw, double opening) => new()
    {
        Category = gripper.Category, Color = gripper.Color, Caption = gripper.Caption, Model = TabletopCatalog.BuildGripper(opening),
        Origin = grasp, Yaw = yaw, OnTable = false, ScaleDraw = gripper.ScaleDraw, SizeWord = gripper.SizeWord, Tint = gripper.Tint,
    };

    /// <summary>The table point seen through a random pixel in the given image fractions, or null when the ray misses it.</summary>
    private static Point3? TablePoint(Random rng, CameraIntrinsics k, RigidTransform worldFromCamera, double u0, double u1, double v0, double v1)
    {
        var px = k.Width * (u0 + (u1 - u0) * rng.NextDouble());
        var py = k.Height * (v0 + (v1 - v0) * rng.NextDouble());
        var dir = worldFromCamera.Rotate(k.BackProject(px, py, 1));
        if (dir.Z > -1e-3) return null;
        var t = worldFromCamera.Translation.Z / -dir.Z;
        var p = worldFromCamera.Translation + dir * t;
        return Math.Abs(p.X) < TableHalfSide - 0.2 && Math.Abs(p.Y) < TableHalfSide - 0.2 ? new Point3(p.X, p.Y, 0) : null;
    }

    private static PlacedObject? TryPlace(Random rng, SceneOptions o, CameraIntrinsics k, RigidTransform worldFromCamera, RigidTransform cameraFromWorld,
        List<PlacedObject> placed, ObjectCategory category, bool touch)
    {
        var scaleDraw = rng.NextDouble();
        var model = category.Build(rng, category.Scale.Min + (category.Scale.Max - category.Scale.Min) * scaleDraw, true);
        var color = ColorPalette.Get(category.Colors[rng.Next(category.Colors.Length)]);
        var tint = ((float)(0.92 + 0.16 * rng.NextDouble()), (float)(0.92 + 0.16 * rng.NextDouble()), (float)(0.92 + 0.16 * rng.NextDouble()));
        var template = new PlacedObject
        {
            Category = category, Color = color, Caption = $"{color.Name} {category.Name}", Model = model, Origin = Point3.Zero, Yaw = 0,
            OnTable = true, ScaleDraw = scaleDraw, SizeWord = "", Tint = tint,
        };
        for (int attempt = 0; attempt < 30; attempt++)
        {
            var yaw = 2 * Math.PI * rng.NextDouble();
            Point3 origin;
            PlacedObject? neighbour = touch ? placed[rng.Next(placed.Count)] : null;
            if (neighbour != null)
            {
                var a = 2 * Math.PI * rng.NextDouble();
                var (s, c) = PortableTrig.SinCos(a);
                var reach = (neighbour.Box.Width + template.At(Point3.Zero, yaw).Box.Width) / 2 + 0.03;
                origin = new Point3(neighbour.Box.Center.X + c * reach, neighbour.Box.Center.Y + s * reach, 0);
            }
            else if (TablePoint(rng, k, worldFromCamera, 0.08, 0.92, 0.1, 0.92) is { } p) origin = p;
            else continue;
            var obj = template.At(origin, yaw);
            if (!Fits(obj, k, cameraFromWorld, placed)) continue;
            if (neighbour != null)
            {
                // Slide toward the neighbour in 1 mm steps until the next step would overlap anything: touching.
                var toward = new Point3(neighbour.Box.Center.X - origin.X, neighbour.Box.Center.Y - origin.Y, 0).Normalized();
                for (int step = 0; step < 200; step++)
                {
                    var next = obj.MovedTo(obj.Origin + toward * 0.001);
                    if (placed.Any(q => BoxOverlap.Overlaps(next.Box, q.Box))) break;
                    obj = next;
                }
                if (!Fits(obj, k, cameraFromWorld, placed)) continue;
            }
            return obj;
        }
        return null;
    }

    private static bool Fits(PlacedObject obj, CameraIntrinsics k, RigidTransform cameraFromWorld, List<PlacedObject> placed)
    {
        var box = obj.Box;
        if (Math.Abs(box.Center.X) > TableHalfSide - 0.2 || Math.Abs(box.Center.Y) > TableHalfSide - 0.2) return false;
        // The whole box must project inside the image, in front of the camera.
        var (s, c) = PortableTrig.SinCos(box.Yaw);
        foreach (var (sw, sl) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
            foreach (var z in new[] { box.Bottom, box.Top })
            {
                var p = cameraFromWorld.Apply(new Point3(box.Center.X + sw * box.Width / 2 * c - sl * box.Length / 2 * s,
                    box.Center.Y + sw * box.Width / 2 * s + sl * box.Length / 2 * c, z));
                if (p.Z < 0.12) return false;
                var (u, v) = k.Project(p);
                if (u < 2 || u > k.Width - 3 || v < 2 || v > k.Height - 3) return false;
            }
        foreach (var other in placed)
            if (BoxOverlap.Overlaps(box, other.Box)) return false;
        return true;
    }
}
