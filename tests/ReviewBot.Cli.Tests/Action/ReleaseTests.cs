using System.Diagnostics;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// The release scripts: <c>action/publish.sh</c> for each runtime identifier the image ships (CI cross-publishes
/// arm64 on an x64 machine, so a broken arm64 build fails here), and <c>action/release-action-yml.sh</c>, which
/// turns action.yml into the release commit's (the prebuilt image instead of the Dockerfile).
/// </summary>
public sealed class ReleaseTests
{
    private static string Root => WebhookFixtures.RepositoryRoot;

    [Fact]
    public async Task ReleaseActionYml_RewritesOnlyTheImageLine()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"action-{Guid.NewGuid():N}.yml");
        var original = await File.ReadAllTextAsync(Path.Combine(Root, "action.yml"));
        await File.WriteAllTextAsync(copy, original);
        try
        {
            var (exit, _, stderr) = await BashAsync("action/release-action-yml.sh", copy, "docker://ghcr.io/acme/reviewbot:1.4.2");

            Assert.True(exit == 0, stderr);
            var rewritten = await File.ReadAllTextAsync(copy);
            var stream = new YamlStream();
            stream.Load(new StringReader(rewritten));
            var runs = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["runs"];
            Assert.Equal("docker", ((YamlScalarNode)runs["using"]).Value);
            Assert.Equal("docker://ghcr.io/acme/reviewbot:1.4.2", ((YamlScalarNode)runs["image"]).Value);
            var changed = original.Split('\n').Zip(rewritten.Split('\n')).Where(p => p.First != p.Second).ToList();
            Assert.Equal(("  image: Dockerfile", "  image: 'docker://ghcr.io/acme/reviewbot:1.4.2'"), Assert.Single(changed));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Theory]
    [InlineData("docker://ghcr.io/acme/reviewbot:latest")]
    [InlineData("docker://ghcr.io/Acme/reviewbot:1.4.2")]
    [InlineData("ghcr.io/acme/reviewbot:1.4.2")]
    [InlineData("docker://ghcr.io/acme/reviewbot:1.4.2' && echo x")]
    public async Task ReleaseActionYml_NotAnExactLowerCaseImage_RefusedUnchanged(string image)
    {
        var copy = Path.Combine(Path.GetTempPath(), $"action-{Guid.NewGuid():N}.yml");
        var original = await File.ReadAllTextAsync(Path.Combine(Root, "action.yml"));
        await File.WriteAllTextAsync(copy, original);
        try
        {
            var (exit, _, stderr) = await BashAsync("action/release-action-yml.sh", copy, image);

            Assert.Equal(2, exit);
            Assert.Contains("is not docker://", stderr, StringComparison.Ordinal);
            Assert.Equal(original, await File.ReadAllTextAsync(copy));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task ReleaseActionYml_AlreadyAReleaseCommit_Refused()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"action-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(copy, "name: x\nruns:\n  using: docker\n  image: 'docker://ghcr.io/acme/reviewbot:1.0.0'\n");
        try
        {
            var (exit, _, stderr) = await BashAsync("action/release-action-yml.sh", copy, "docker://ghcr.io/acme/reviewbot:1.0.1");

            Assert.Equal(2, exit);
            Assert.Contains("already a release commit", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task Publish_UnknownRuntimeIdentifier_RefusedBeforeBuilding()
    {
        var (exit, _, stderr) = await BashAsync("action/publish.sh", Path.Combine(Path.GetTempPath(), "never-written"), "win-x64");

        Assert.Equal(2, exit);
        Assert.Contains("unsupported runtime identifier 'win-x64'", stderr, StringComparison.Ordinal);
    }

    /// <summary>The arm64 image's binary, cross-published on this (x64) machine as the release workflow does.</summary>
    [Fact]
    public async Task Publish_LinuxArm64_AnAarch64ExecutableNextToTheApp()
    {
        var output = Path.Combine(Path.GetTempPath(), "reviewbot-published-arm64", Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var (exit, stdout, stderr) = await BashAsync("action/publish.sh", output, "linux-arm64");

            Assert.True(exit == 0, $"{stdout}\n{stderr}");
            var header = new byte[20];
            await using (var exe = File.OpenRead(Path.Combine(output, "reviewbot")))
            {
                await exe.ReadExactlyAsync(header);
            }

            Assert.Equal("\u007fELF", System.Text.Encoding.ASCII.GetString(header, 0, 4));
            Assert.Equal(183, BitConverter.ToUInt16(header, 18)); // e_machine: EM_AARCH64
            Assert.True(File.Exists(Path.Combine(output, "reviewbot.dll")));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static Task<(int Exit, string Stdout, string Stderr)> BashAsync(params string[] args) => RepositoryScripts.RunAsync(TimeSpan.FromMinutes(30), args);
}
