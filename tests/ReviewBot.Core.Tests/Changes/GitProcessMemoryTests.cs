using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;
using Xunit.Abstractions;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>
/// What reading git's output costs against its size: the diff of a change is read whole before it is parsed, so a
/// transient copy here is part of the review's peak (issue 19). Counted with <see cref="GC.GetTotalAllocatedBytes"/>
/// (process-wide: the read continues on pool threads), so this runs in the memory tests' collection, alone.
/// </summary>
[Collection(nameof(UnifiedDiffParserMemoryTests))]
public sealed class GitProcessMemoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task RunAsync_LargeOutput_AllocatesTheOutputAboutTwice()
    {
        var line = Encoding.ASCII.GetBytes("select customer_id, amount * rate as total from orders -- 64 bytes\n");
        var blob = new byte[(32 << 20) / line.Length * line.Length];
        for (var i = 0; i < blob.Length; i += line.Length)
        {
            line.CopyTo(blob, i);
        }

        _repo.WriteFile("big.sql", blob);
        _repo.Commit("big");
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var result = await GitProcess.RunAsync(_repo.Root, ["cat-file", "blob", "HEAD:big.sql"], CancellationToken.None);

        var ratio = (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / blob.Length;
        Assert.Equal(blob.Length, result.Output.Length);
        output.WriteLine($"output {blob.Length / 1e6:N1} MB, reading it allocated {ratio:N2}x");
        // The chunks read plus the one array handed out; a buffer that doubles (and is copied out at the end) costs
        // up to 3.5x, and holds up to 2.5x at once.
        Assert.True(ratio <= 2.25, $"reading allocated {ratio:N2}x the output");
    }
}
