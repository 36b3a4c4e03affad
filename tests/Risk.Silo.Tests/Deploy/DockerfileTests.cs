using Risk.Tests.Shared;

namespace Risk.Silo.Tests.Deploy;

/// <summary>deploy/Dockerfile read as text (no Docker engine here): how it builds, what it runs, as whom.</summary>
public class DockerfileTests
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        var stages = _dockerfile.Stages;
        Assert.True(stages.Count >= 2, "a single stage would ship the SDK");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", Dockerfile.BaseImage(stages[0]));
        var runtime = Dockerfile.BaseImage(_dockerfile.FinalStage);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime);
        Assert.DoesNotContain("/sdk", runtime);
        // The final stage takes only the published output of an earlier one.
        Assert.Contains(_dockerfile.FinalStage, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal));
        Assert.Contains(_dockerfile.Stages[0], i => i.Keyword == "RUN" && i.Arguments.Contains("publish silo/Risk.Silo/Risk.Silo.csproj -c Release"));
    }

    [Fact]
    public void It_copies_every_project_the_silo_is_built_from()
    {
        // No test runs `docker build`: a project the silo comes to reference would otherwise be missed until a deploy.
        var copies = _dockerfile.Stages[0].Where(i => i.Keyword == "COPY").Select(i => i.Arguments).ToArray();
        foreach (var project in Projects(Path.Combine(Programs.Root, "silo", "Risk.Silo", "Risk.Silo.csproj")))
        {
            var folder = Path.GetRelativePath(Programs.Root, Path.GetDirectoryName(project)!).Replace('\\', '/');
            Assert.Contains(copies, c => c.StartsWith($"{folder}/{Path.GetFileName(project)} ", StringComparison.Ordinal));
            Assert.Contains(copies, c => c == $"{folder}/ {folder}/");
        }
    }

    /// <summary>A project and every project it references, followed through.</summary>
    private static IEnumerable<string> Projects(string project)
    {
        var seen = new HashSet<string>();
        var queue = new Queue<string>([Path.GetFullPath(project)]);
        while (queue.TryDequeue(out var next))
        {
            if (!seen.Add(next)) continue;
            foreach (var reference in System.Xml.Linq.XDocument.Load(next).Descendants("ProjectReference"))
                queue.Enqueue(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(next)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        return seen;
    }

    [Fact]
    public void It_runs_as_a_user_that_is_not_root()
    {
        var user = _dockerfile.FinalStage.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        Assert.NotNull(user);
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0", "" });
        // The entrypoint comes after the USER, so the silo itself runs as that user.
        var stage = _dockerfile.FinalStage.ToList();
        Assert.True(stage.FindLastIndex(i => i.Keyword == "USER") < stage.FindLastIndex(i => i.Keyword == "ENTRYPOINT"));
    }

    [Fact]
    public void It_exposes_the_http_silo_and_gateway_ports()
    {
        var exposed = _dockerfile.FinalStage.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["11111", "30000", "8080"], exposed.Order());
    }

    [Fact]
    public void It_starts_the_silo_on_all_addresses_with_a_keys_file_and_azure_storage()
    {
        // ImageEntrypointTests runs this very command as a process.
        var command = _dockerfile.Command;
        Assert.Equal(["dotnet", "Risk.Silo.dll"], command.Take(2));
        var urls = command.SkipWhile(a => a != "--urls").Skip(1).FirstOrDefault();
        Assert.Equal("http://0.0.0.0:8080", urls);
        // Without a keys file the silo would move --urls to loopback, where no probe or Service reaches it.
        Assert.Equal("/etc/risk/keys/keys.jsonl", _dockerfile.Environment["Risk__Auth__KeysFile"]);
        Assert.Equal("azure", _dockerfile.Environment["Risk__Storage"]);
        Assert.Equal("azure", _dockerfile.Environment["Risk__Clustering"]);
    }
}
