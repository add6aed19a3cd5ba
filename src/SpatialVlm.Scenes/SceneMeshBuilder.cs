using SpatialVlm.Core;

namespace SpatialVlm.Scenes;

/// <summary>Turns a layout into world-space triangles with materials: floor, walls, then each object (instance = index + 1).</summary>
public static class SceneMeshBuilder
{
    public static TriangleSoup Build(SceneLayout layout)
    {
        var soup = new TriangleSoup();
        var room = layout.Room;
        var up = new Point3(0, 0, 1);
        var floor = soup.AddMaterial(new Material(room.FloorColor.R, room.FloorColor.G, room.FloorColor.B, room.FloorPattern, 0, SurfaceKind.Floor));
        var c = room.FloorCorners;
        var below = (c[0] + c[1] + c[2] + c[3]) / 4 - up;
        soup.Add(c[0], c[1], c[2], up, up, up, below, floor);
        soup.Add(c[0], c[2], c[3], up, up, up, below, floor);

        var wall = soup.AddMaterial(new Material(room.WallColor.R, room.WallColor.G, room.WallColor.B, SurfacePattern.Plaster, 0, SurfaceKind.Wall));
        var cam = layout.CameraPosition;
        foreach (var w in room.Walls)
        {
            var h = new Point3(0, 0, w.Height);
            var along = w.B - w.A;
            var n = new Point3(-along.Y, along.X, 0).Normalized();
            var mid = (w.A + w.B) / 2;
            if (n.Dot(new Point3(cam.X, cam.Y, 0) - mid) < 0) n = -n; // face the room
            var behind = mid + h / 2 - n;
            soup.Add(w.A, w.B, w.B + h, n, n, n, behind, wall);
            soup.Add(w.A, w.B + h, w.A + h, n, n, n, behind, wall);
        }

        for (int i = 0; i < layout.Objects.Count; i++)
        {
            var o = layout.Objects[i];
            var instance = (ushort)(i + 1);
            var isTable = o.Category.Name == ObjectCatalog.Table.Name;
            var kind = isTable ? SurfaceKind.TableOther : SurfaceKind.Object;
            var slots = new int[1 + o.Model.ExtraSlots.Length];
            slots[0] = soup.AddMaterial(new Material(o.Color.R * o.Tint.R, o.Color.G * o.Tint.G, o.Color.B * o.Tint.B, o.Model.MainPattern, instance, kind));
            for (int s = 0; s < o.Model.ExtraSlots.Length; s++)
            {
                var look = o.Model.ExtraSlots[s];
                slots[s + 1] = soup.AddMaterial(new Material(look.R, look.G, look.B, look.Pattern, instance, kind));
            }
            var tableTop = isTable ? soup.AddMaterial(soup.Materials[slots[0]] with { Surface = SurfaceKind.TableTop }) : -1;
            var top = o.Box.Top;
            foreach (var t in o.Model.Triangles)
            {
                var a = o.ToWorld(t.A); var b = o.ToWorld(t.B); var cc = o.ToWorld(t.C);
                var material = slots[t.Slot];
                // The table top's upward face is a support surface of its own.
                if (isTable && t.NA.Z > 0.999 && Math.Abs(a.Z - top) < 1e-9) material = tableTop;
                soup.Add(a, b, cc, o.RotateZ(t.NA), o.RotateZ(t.NB), o.RotateZ(t.NC), o.ToWorld(t.Inside), material);
            }
        }
        return soup;
    }
}
