using System.Text;
using ReviewBot.Core.Changes;
using Xunit.Abstractions;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>
/// Diff parsing memory against the diff's size (issue 19: one million hunks, 166 MB, cost 2.0 GB), for shapes that
/// cost much per byte of input: small hunks (a hunk header and its bookkeeping against ~28 bytes), realistic hunks
/// (~166 bytes) and many small files (headers and paths).
/// </summary>
/// <remarks>
/// Two figures, both against the diff's byte count:
/// <list type="bullet">
/// <item><b>Retained</b>: the managed heap the parsed model adds (it holds no reference to the diff's bytes), measured
/// after a full collection, after parsing minus before. The heap is process-wide, so these tests run alone (a
/// collection without parallelisation).</item>
/// <item><b>Peak</b>: every byte <see cref="UnifiedDiffParser.Parse(ReadOnlySpan{byte})"/> allocates on top of the input, counted
/// on the calling thread by <see cref="GC.GetAllocatedBytesForCurrentThread"/> (the parser runs synchronously on it,
/// so other threads do not blur the figure). Whenever the GC runs, no live set during parsing can grow past what was
/// live before plus what was allocated, so this is a sound upper bound on the peak — stricter than sampling the heap
/// size, which misses short spikes such as the moment a doubling array holds both its old and new copy. Garbage
/// counts as fully as the model does: growth by copying or a temporary object per hunk or file shows here.</item>
/// </list>
/// </remarks>
[Collection(nameof(UnifiedDiffParserMemoryTests))]
public sealed class UnifiedDiffParserMemoryTests(ITestOutputHelper output)
{
    [Theory]
    // Before issue 19's last change: two-line hunks retained 4.1x and allocated 9.8x; realistic hunks 2.7x and 4.5x;
    // 200,000 small files 2.4x and 10.0x.
    [InlineData("two-line-hunks")]
    [InlineData("realistic-hunks")]
    [InlineData("many-small-files")]
    public void Parse_OneMillionHunksOrManyFiles_RetainsAndPeaksWithinThreeTimesTheDiff(string shape)
    {
        var (bytes, files, hunks) = Diff(shape);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var parsed = UnifiedDiffParser.Parse(bytes);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(files, parsed.Count);
        Assert.Equal(hunks, parsed.Sum(f => f.Hunks.Count));
        var retainedRatio = (double)retained / bytes.Length;
        var peakRatio = (double)allocated / bytes.Length;
        output.WriteLine($"{shape}: diff {bytes.Length / 1e6:N1} MB; the parsed model retains {retained / 1e6:N1} MB = {retainedRatio:N2}x; parsing allocated {allocated / 1e6:N1} MB = {peakRatio:N2}x");
        GC.KeepAlive(parsed);
        Assert.True(retainedRatio <= 3.0, $"retained {retainedRatio:N2}x the diff");
        Assert.True(peakRatio <= 3.0, $"parsing allocated {peakRatio:N2}x the diff");
    }

    private static (byte[] Bytes, int Files, int Hunks) Diff(string shape)
    {
        var diff = new StringBuilder();
        var (files, hunks) = (1, 1);
        switch (shape)
        {
            case "two-line-hunks" or "realistic-hunks":
                hunks = 1_000_000;
                diff.Append("diff --git a/models/big.sql b/models/big.sql\n--- a/models/big.sql\n+++ b/models/big.sql\n");
                for (var i = 0; i < hunks; i++)
                {
                    var line = (i * 5) + 1;
                    _ = shape == "two-line-hunks"
                        ? diff.Append("@@ -").Append(line).Append(" +").Append(line).Append(" @@\n-a\n+b\n")
                        // ~166 bytes a hunk, the shape of the reported 166 MB diff: context, one changed line, context.
                        : diff.Append("@@ -").Append(line).Append(",3 +").Append(line).Append(",3 @@\n    customer_id,\n-    amount_").Append(i).Append(" as total_before,\n+    amount_").Append(i).Append(" * rate as total_after,\n    status\n");
                }

                break;
            case "many-small-files":
                (files, hunks) = (200_000, 200_000);
                for (var i = 0; i < files; i++)
                {
                    diff.Append("diff --git a/models/m").Append(i).Append(".sql b/models/m").Append(i).Append(".sql\nindex 1234567..89abcde 100644\n--- a/models/m")
                        .Append(i).Append(".sql\n+++ b/models/m").Append(i).Append(".sql\n@@ -1,3 +1,3 @@\n select\n-  a\n+  b\n from t\n");
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }

        return (Encoding.ASCII.GetBytes(diff.ToString()), files, hunks);
    }
}

[CollectionDefinition(nameof(UnifiedDiffParserMemoryTests), DisableParallelization = true)]
public sealed class UnifiedDiffParserMemoryCollection;
