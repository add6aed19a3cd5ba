namespace SpatialVlm.Tests;

/// <summary>
/// The project's shared/ folder (spec, test data), a sibling of the repository root. Tests run from bin/..., so
/// this walks up to the folder holding SpatialVlm.slnx. Linked into every test project by Directory.Build.props.
/// </summary>
internal static class SharedFolder
{
    public static string Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SpatialVlm.slnx"))) dir = dir.Parent;
        if (dir == null) throw new InvalidOperationException($"no SpatialVlm.slnx above {AppContext.BaseDirectory}");
        return System.IO.Path.Combine([dir.FullName, "..", "shared", .. parts]);
    }

    public static string Data(params string[] parts) => Path(["data", .. parts]);
    public static string Spec(params string[] parts) => Path(["spec", .. parts]);
}
