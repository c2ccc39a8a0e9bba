using System.Text;
using ReviewBot.Core.Changes;
using Xunit.Abstractions;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>
/// Diff parsing memory against the diff's size (issue 19: one million hunks, 166 MB, cost 2.0 GB), for realistic
/// hunks (~166 bytes) and for two-line hunks (~28 bytes), where a per-hunk object costs most against the input.
/// </summary>
/// <remarks>
/// Two figures, both against the diff's byte count:
/// <list type="bullet">
/// <item><b>Retained</b>: the managed heap after a full collection, after parsing minus before, while the parsed
/// model is alive. The heap is process-wide, so these tests run alone (a collection without parallelisation).</item>
/// <item><b>Peak</b>: every byte <see cref="UnifiedDiffParser.Parse"/> allocates, counted on the calling thread by
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> (the parser runs synchronously on it, so other threads do not
/// blur the figure). No live set during parsing can grow past what was live before plus what was allocated, whenever
/// the GC runs, so this is a sound upper bound on the peak heap growth — and a stricter one than sampling the heap
/// size, which misses short spikes such as the moment an array that doubles holds both its old and new copy.
/// Garbage counts as fully as the model does: growth by copying or a temporary object per hunk shows here.</item>
/// </list>
/// </remarks>
[Collection(nameof(UnifiedDiffParserMemoryTests))]
public sealed class UnifiedDiffParserMemoryTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_OneMillionHunks_RetainsAndPeaksWithinThreeTimesTheDiff(bool realisticLines)
    {
        const int hunks = 1_000_000;
        var bytes = OneMillionHunks(hunks, realisticLines);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var files = UnifiedDiffParser.Parse(bytes);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(hunks, files.Single().Hunks.Count);
        var retainedRatio = (double)retained / bytes.Length;
        var peakRatio = (double)allocated / bytes.Length;
        output.WriteLine($"diff {bytes.Length / 1e6:N1} MB: the parsed model retains {retained / 1e6:N1} MB = {retainedRatio:N2}x; parsing allocated {allocated / 1e6:N1} MB = {peakRatio:N2}x");
        GC.KeepAlive(files);
        Assert.True(retainedRatio <= 3.0, $"retained {retainedRatio:N2}x the diff");
        Assert.True(peakRatio <= 3.0, $"parsing allocated {peakRatio:N2}x the diff");
    }

    private static byte[] OneMillionHunks(int hunks, bool realisticLines)
    {
        var diff = new StringBuilder("diff --git a/models/big.sql b/models/big.sql\n--- a/models/big.sql\n+++ b/models/big.sql\n");
        for (var i = 0; i < hunks; i++)
        {
            var line = (i * 5) + 1;
            if (realisticLines)
            {
                // ~166 bytes a hunk, the shape of the reported 166 MB diff: context, one changed line, context.
                diff.Append("@@ -").Append(line).Append(",3 +").Append(line).Append(",3 @@\n    customer_id,\n-    amount_").Append(i).Append(" as total_before,\n+    amount_").Append(i).Append(" * rate as total_after,\n    status\n");
            }
            else
            {
                diff.Append("@@ -").Append(line).Append(" +").Append(line).Append(" @@\n-a\n+b\n");
            }
        }

        return Encoding.ASCII.GetBytes(diff.ToString());
    }
}

[CollectionDefinition(nameof(UnifiedDiffParserMemoryTests), DisableParallelization = true)]
public sealed class UnifiedDiffParserMemoryCollection;
