using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace SpatialVlm.Web.Tests;

public sealed class ProjectShapeTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "SpatialVlm.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no SpatialVlm.slnx above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void TheViewerReadsFilesAndNeedsNoEngine()
    {
        var csproj = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "SpatialVlm.Web", "SpatialVlm.Web.csproj"));
        var projects = csproj.Descendants("ProjectReference").Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/'))).Order().ToList();
        Assert.Equal(["SpatialVlm.Contracts", "SpatialVlm.Core", "SpatialVlm.Evaluation", "SpatialVlm.Geometry", "SpatialVlm.Imaging"], projects);
        Assert.Equal("Library", csproj.Descendants("OutputType").Single().Value);
    }

    [Fact]
    public void ThreeJsIsPinnedTo0187InTheLockFile()
    {
        var npm = Path.Combine(RepositoryRoot(), "src", "SpatialVlm.Web", "npm");
        Assert.Equal("0.187.0", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(npm, "package.json")))!["dependencies"]!["three"]!);
        Assert.Equal("0.187.0", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(npm, "package-lock.json")))!["packages"]!["node_modules/three"]!["version"]!);
        Assert.True(ViewerServer.ThreeJsBundled, "this build has three.js embedded (npm ran at build time)");
    }
}
