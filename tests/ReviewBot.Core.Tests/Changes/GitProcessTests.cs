using System.Diagnostics;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Core.Tests.Changes;

public sealed class GitProcessTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task RunAsync_CancelledWhileGitRuns_KillsTheProcessTreeAndThrows()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the shell alias below needs sh and sleep
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => GitProcess.RunAsync(_repo.Root, ["-c", "alias.hang=!sleep 60", "hang"], cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"cancellation took {watch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_OutputOverSeveralChunks_IsReadExactlyAndRefusedOneByteOverTheLimit()
    {
        var blob = new byte[200_001];
        for (var i = 0; i < blob.Length; i++)
        {
            blob[i] = (byte)('a' + (i % 26));
        }

        _repo.WriteFile("data.txt", blob);
        _repo.Commit("data");
        string[] show = ["cat-file", "blob", "HEAD:data.txt"];

        var exact = await GitProcess.RunAsync(_repo.Root, show, blob.Length, CancellationToken.None);
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitProcess.RunAsync(_repo.Root, show, blob.Length - 1, CancellationToken.None));

        Assert.Equal(blob, exact.Output);
        Assert.Equal("git output is larger than 200000 bytes; refusing to read it", e.Message);
    }

    [Fact]
    public async Task RunAsync_StdinIsClosed_CommandsReadingStdinDoNotHang()
    {
        var result = await GitProcess.RunAsync(_repo.Root, ["hash-object", "--stdin"], CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", result.Text.Trim()); // the empty blob
    }

    [Fact]
    public async Task RunAsync_Failure_FirstErrorLineDropsTheFatalPrefix()
    {
        var result = await GitProcess.RunAsync(_repo.Root, ["rev-parse", "--verify", "no-such-ref"], CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("Needed a single revision", result.FirstErrorLine);
    }

    [Fact]
    public void StartInfo_NoShellPromptsOrInheritedRepository()
    {
        var info = GitProcess.StartInfo("/tmp", ["log", "--format=%H; rm -rf /"]);

        Assert.False(info.UseShellExecute);
        Assert.Equal(["log", "--format=%H; rm -rf /"], info.ArgumentList);
        Assert.Equal("0", info.Environment["GIT_TERMINAL_PROMPT"]);
        Assert.Equal("C", info.Environment["LC_ALL"]);
        Assert.False(info.Environment.ContainsKey("GIT_DIR"));
        Assert.True(info.RedirectStandardInput);
    }
}
