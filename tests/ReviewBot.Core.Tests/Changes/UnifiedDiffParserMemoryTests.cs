using System.Text;
using ReviewBot.Core.Changes;
using Xunit.Abstractions;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>
/// Diff parsing memory against the diff's size (issue 19: one million hunks, 166 MB, cost 2.0 GB). The heap is
/// process-wide, so these run alone: another test allocating at the same time would be counted as retained here.
/// </summary>
[Collection(nameof(UnifiedDiffParserMemoryTests))]
public sealed class UnifiedDiffParserMemoryTests(ITestOutputHelper output)
{
    [Theory]
    // Lines live in one flat store per diff (17 bytes a line), not an object each: realistic hunks 3.8x -> 2.7x;
    // two-line hunks 6.5x -> 4.1x, where the hunk record and its line window (80 bytes) now dominate.
    [InlineData(false, 4.5)]
    [InlineData(true, 3.0)]
    public void Parse_OneMillionHunks_RetainsABoundedMultipleOfTheDiff(bool realisticLines, double maxRatio)
    {
        const int hunks = 1_000_000;
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

        var bytes = Encoding.ASCII.GetBytes(diff.ToString());
        diff.Clear();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var files = UnifiedDiffParser.Parse(bytes);

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(hunks, files.Single().Hunks.Count);
        var ratio = (double)retained / bytes.Length;
        output.WriteLine($"diff {bytes.Length / 1e6:N1} MB, parsed model retains {retained / 1e6:N1} MB = {ratio:N1}x");
        GC.KeepAlive(files);
        Assert.True(ratio <= maxRatio, $"{ratio:N1}x");
    }
}

[CollectionDefinition(nameof(UnifiedDiffParserMemoryTests), DisableParallelization = true)]
public sealed class UnifiedDiffParserMemoryCollection;
