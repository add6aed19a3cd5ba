using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>
/// Draws a scene layout from a seeded random source: camera, room, light, an optional table, and objects
/// resting on the floor or the table without touching each other. All draws come from the one Random, in a
/// fixed order, so a seed always gives the same layout.
/// </summary>
public static class SceneLayoutSampler
{
    private static readonly NamedColor[] FloorWood = [new("oak", 0.62f, 0.45f, 0.28f), new("walnut", 0.40f, 0.27f, 0.17f), new("birch", 0.78f, 0.66f, 0.48f)];
    private static readonly NamedColor[] FloorTile = [new("light tile", 0.80f, 0.79f, 0.76f), new("gray tile", 0.55f, 0.56f, 0.57f), new("sand tile", 0.78f, 0.70f, 0.57f)];
    private static readonly NamedColor[] FloorCarpet = [new("gray carpet", 0.42f, 0.42f, 0.44f), new("blue carpet", 0.28f, 0.34f, 0.48f), new("green carpet", 0.33f, 0.42f, 0.32f), new("beige carpet", 0.66f, 0.60f, 0.50f)];
    private static readonly NamedColor[] WallPaint = [new("white", 0.88f, 0.87f, 0.84f), new("cream", 0.90f, 0.85f, 0.72f), new("light blue", 0.70f, 0.78f, 0.86f), new("sage", 0.70f, 0.78f, 0.68f), new("gray", 0.68f, 0.68f, 0.70f), new("peach", 0.92f, 0.76f, 0.66f)];

    public static SceneLayout Sample(Random rng, SceneOptions o)
    {
        var (intrinsics, worldFromCamera, camera) = SampleCamera(rng, o);
        var room = SampleRoom(rng, o, camera);
        var el = PortableTrig.Radians(35 + 35 * rng.NextDouble());
        var az = Math.PI + PortableTrig.Radians(-110 + 220 * rng.NextDouble()); // from behind or beside the camera, so what it sees is lit
        var (se, ce) = PortableTrig.SinCos(el); var (sa, ca) = PortableTrig.SinCos(az);
        var light = new Lighting(new Point3(ce * ca, ce * sa, se), 0.62 + 0.15 * rng.NextDouble(), 0.30 + 0.12 * rng.NextDouble());
        var objects = SampleObjects(rng, o, intrinsics, worldFromCamera, camera, room);
        return new SceneLayout(intrinsics, worldFromCamera, camera, room, light, objects);
    }

    private static (CameraIntrinsics, RigidTransform, CameraDraw) SampleCamera(Random rng, SceneOptions o)
    {
        var h = o.CameraHeight.Sample(rng);
        var d = o.LookDistance.Sample(rng);
        var jitter = PortableTrig.Radians(o.PitchJitterDegrees.Sample(rng));
        var roll = PortableTrig.Radians(o.RollDegrees.Sample(rng));
        var fov = o.HorizontalFovDegrees.Sample(rng);
        // Pitch p looks at the floor point d ahead (sin p = h/L, cos p = d/L), plus the jitter.
        var len = Math.Sqrt(h * h + d * d);
        var (sj, cj) = PortableTrig.SinCos(jitter);
        double sp = h / len * cj + d / len * sj, cp = d / len * cj - h / len * sj;
        var forward = new Point3(cp, 0, -sp);
        var right0 = new Point3(0, -1, 0);
        var down0 = new Point3(-sp, 0, -cp);
        var (sr, cr) = PortableTrig.SinCos(roll);
        var right = right0 * cr + down0 * sr;
        var down = down0 * cr - right0 * sr;
        var worldFromCamera = new RigidTransform(
            [right.X, down.X, forward.X, right.Y, down.Y, forward.Y, right.Z, down.Z, forward.Z], new Point3(0, 0, h));
        var f = o.Width / 2.0 / PortableTrig.Tan(PortableTrig.Radians(fov) / 2);
        var intrinsics = new CameraIntrinsics(o.Width, o.Height, f, f, (o.Width - 1) / 2.0, (o.Height - 1) / 2.0);
        var pitchDeg = Math.Atan2(sp, cp) * 180 / Math.PI; // recorded for statistics only
        return (intrinsics, worldFromCamera, new CameraDraw(h, d, pitchDeg, roll * 180 / Math.PI, fov));
    }

    private static Room SampleRoom(Random rng, SceneOptions o, CameraDraw cam)
    {
        var yaw = PortableTrig.Radians(-30 + 60 * rng.NextDouble());
        var hasWalls = rng.NextDouble() < o.WallProbability;
        var patternDraw = rng.NextDouble();
        var (pattern, palette) = patternDraw < 0.45 ? (SurfacePattern.WoodPlanks, FloorWood) : patternDraw < 0.75 ? (SurfacePattern.Tiles, FloorTile) : (SurfacePattern.Carpet, FloorCarpet);
        var floorColor = palette[rng.Next(palette.Length)];
        var wallColor = WallPaint[rng.Next(WallPaint.Length)];
        var (s, c) = PortableTrig.SinCos(yaw);
        var lookA = cam.LookDistance * c;
        double back = hasWalls ? lookA + 1.2 + 2.5 * rng.NextDouble() : 12;
        double front = -(hasWalls ? 1.5 + 1.5 * rng.NextDouble() : 6);
        bool leftWall = hasWalls && rng.NextDouble() < 0.6, rightWall = hasWalls && rng.NextDouble() < 0.6;
        double left = leftWall ? 1.8 + 2.2 * rng.NextDouble() : 12, right = -(rightWall ? 1.8 + 2.2 * rng.NextDouble() : 12);
        var wallHeight = 2.5 + 0.4 * rng.NextDouble();
        Point3 W(double a, double b) => new(c * a - s * b, s * a + c * b, 0);
        var corners = new[] { W(front, right), W(back, right), W(back, left), W(front, left) };
        var walls = new List<Wall>();
        if (hasWalls) walls.Add(new Wall(W(back, right), W(back, left), wallHeight));
        if (leftWall) walls.Add(new Wall(W(front, left), W(back, left), wallHeight));
        if (rightWall) walls.Add(new Wall(W(front, right), W(back, right), wallHeight));
        return new Room(corners, walls, yaw, floorColor, pattern, wallColor) { Extent = (front, back, right, left) };
    }

    /// <summary>What object placement needs to know about the camera and room.</summary>
    private sealed record View(SceneOptions Options, CameraIntrinsics K, RigidTransform WorldFromCamera, RigidTransform CameraFromWorld, CameraDraw Camera, Room Room);

    private static List<PlacedObject> SampleObjects(Random rng, SceneOptions o, CameraIntrinsics k, RigidTransform worldFromCamera, CameraDraw cam, Room room)
    {
        var view = new View(o, k, worldFromCamera, worldFromCamera.Inverse(), cam, room);
        var placed = new List<PlacedObject>();
        var target = o.MinObjects + rng.Next(o.MaxObjects - o.MinObjects + 1);
        PlacedObject? table = null;
        if (rng.NextDouble() < o.TableProbability)
        {
            table = TryPlaceTable(rng, view, placed);
            if (table != null) placed.Add(table);
        }
        // One object (not the first) may copy an earlier object's category, colour and size word: same caption.
        var duplicateAt = placed.Count + 1 < target && rng.NextDouble() < o.DuplicateCaptionProbability ? placed.Count + 1 + rng.Next(target - placed.Count - 1) : -1;
        for (int i = placed.Count; i < target; i++)
        {
            var candidates = placed.Where(p => p != table).ToList();
            PlacedObject? copyOf = i == duplicateAt && candidates.Count > 0 ? candidates[rng.Next(candidates.Count)] : null;
            var onTable = table != null && rng.NextDouble() < o.OnTableProbability;
            var category = copyOf?.Category ?? PickCategory(rng, onTable ? Support.Table : Support.Floor);
            // A copied category decides its own support: table-only things need the table, floor-only things the floor.
            if (category.Support == Support.Floor) onTable = false;
            if (category.Support == Support.Table) { if (table == null) continue; onTable = true; }
            var obj = TryPlace(rng, view, placed, category, onTable ? table : null, copyOf);
            if (obj != null) placed.Add(obj);
        }
        return placed;
    }

    private static ObjectCategory PickCategory(Random rng, Support support)
    {
        var pool = ObjectCatalog.All.Where(c => c.Weight > 0 && (c.Support == Support.Either || c.Support == support)).ToArray();
        var total = pool.Sum(c => c.Weight);
        var x = rng.NextDouble() * total;
        foreach (var c in pool) { x -= c.Weight; if (x < 0) return c; }
        return pool[^1];
    }

    private static PlacedObject? TryPlaceTable(Random rng, View view, List<PlacedObject> placed)
    {
        var (cam, room) = (view.Camera, view.Room);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            var origin = new Point3(cam.LookDistance + 0.6 * (rng.NextDouble() - 0.3), 1.2 * (rng.NextDouble() - 0.5), 0);
            var yaw = room.Yaw + (rng.Next(2) * Math.PI / 2) + PortableTrig.Radians(-15 + 30 * rng.NextDouble());
            var table = Make(rng, ObjectCatalog.Table, origin, yaw, false, null);
            if (Fits(table, view, placed, minDistance: 1.0)) return table;
        }
        return null;
    }

    private static PlacedObject? TryPlace(Random rng, View view, List<PlacedObject> placed, ObjectCategory category, PlacedObject? table, PlacedObject? copyOf)
    {
        var (k, cam) = (view.K, view.Camera);
        var template = Make(rng, category, Point3.Zero, 0, table != null, copyOf);
        for (int attempt = 0; attempt < 24; attempt++)
        {
            var yaw = 2 * Math.PI * rng.NextDouble();
            Point3 origin;
            if (table != null)
            {
                var tb = table.Box;
                var (s, c) = PortableTrig.SinCos(tb.Yaw);
                double u = (rng.NextDouble() - 0.5) * tb.Width, v = (rng.NextDouble() - 0.5) * tb.Length;
                origin = new Point3(tb.Center.X + c * u - s * v, tb.Center.Y + s * u + c * v, tb.Top);
            }
            else
            {
                // A floor point seen by the camera: cast the ray of a random pixel in the lower part of the image.
                var px = k.Width * (0.03 + 0.94 * rng.NextDouble());
                var py = k.Height * (0.3 + 0.68 * rng.NextDouble());
                var dir = view.WorldFromCamera.Rotate(k.BackProject(px, py, 1));
                if (dir.Z > -1e-3) continue;
                var t = cam.Height / -dir.Z;
                origin = new Point3(dir.X * t, dir.Y * t, 0);
            }
            var obj = template.At(origin, yaw);
            if (table != null && !OnTop(obj.Box, table.Box)) continue;
            if (Fits(obj, view, placed, minDistance: 0.9)) return obj;
        }
        return null;
    }

    private static PlacedObject Make(Random rng, ObjectCategory category, Point3 origin, double yaw, bool onTable, PlacedObject? copyOf)
    {
        var scaleDraw = copyOf?.ScaleDraw ?? rng.NextDouble();
        var model = category.Build(rng, category.Scale.Min + (category.Scale.Max - category.Scale.Min) * scaleDraw, onTable);
        var color = copyOf?.Color ?? ColorPalette.Get(category.Colors[rng.Next(category.Colors.Length)]);
        var wide = category.Scale.Max / category.Scale.Min >= 1.3;
        var sizeWord = copyOf?.SizeWord ?? (wide && scaleDraw < 0.2 ? "small" : wide && scaleDraw > 0.8 ? "large" : "");
        var tint = ((float)(0.92 + 0.16 * rng.NextDouble()), (float)(0.92 + 0.16 * rng.NextDouble()), (float)(0.92 + 0.16 * rng.NextDouble()));
        var caption = string.Join(' ', new[] { sizeWord, color.Name, category.Name }.Where(w => w.Length > 0));
        return new PlacedObject
        {
            Category = category, Color = color, Caption = caption, Model = model, Origin = origin, Yaw = yaw,
            OnTable = onTable, ScaleDraw = scaleDraw, SizeWord = sizeWord, Tint = tint,
        };
    }

    private static bool OnTop(UprightBox obj, UprightBox table)
    {
        var (s, c) = PortableTrig.SinCos(table.Yaw);
        var (so, co) = PortableTrig.SinCos(obj.Yaw);
        foreach (var (sw, sl) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
        {
            double x = obj.Center.X + sw * obj.Width / 2 * co - sl * obj.Length / 2 * so - table.Center.X;
            double y = obj.Center.Y + sw * obj.Width / 2 * so + sl * obj.Length / 2 * co - table.Center.Y;
            if (Math.Abs(c * x + s * y) > table.Width / 2 - 0.02 || Math.Abs(-s * x + c * y) > table.Length / 2 - 0.02) return false;
        }
        return true;
    }

    private static bool Fits(PlacedObject obj, View view, List<PlacedObject> placed, double minDistance)
    {
        var (k, room) = (view.K, view.Room);
        var box = obj.Box;
        var (s, c) = PortableTrig.SinCos(box.Yaw);
        foreach (var (sw, sl) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
        {
            double x = box.Center.X + sw * box.Width / 2 * c - sl * box.Length / 2 * s;
            double y = box.Center.Y + sw * box.Width / 2 * s + sl * box.Length / 2 * c;
            var (a, b) = room.ToRoom(x, y);
            if (a < room.Extent.MinA + 0.05 || a > room.Extent.MaxA - 0.05 || b < room.Extent.MinB + 0.05 || b > room.Extent.MaxB - 0.05) return false;
            if (Math.Sqrt(x * x + y * y) < minDistance) return false;
        }
        if (Math.Sqrt(box.Center.X * box.Center.X + box.Center.Y * box.Center.Y) > view.Options.MaxObjectDistance) return false;
        // The footprint centre must be in front of the camera and inside the image.
        var p = view.CameraFromWorld.Apply(new Point3(box.Center.X, box.Center.Y, box.Bottom));
        if (p.Z < 0.3) return false;
        var (u, v) = k.Project(p);
        if (u < 0 || u > k.Width - 1 || v < 0 || v > k.Height - 1) return false;
        foreach (var other in placed)
            if (BoxOverlap.Overlaps(box, other.Box, horizontalGap: 0.02)) return false;
        return true;
    }
}
