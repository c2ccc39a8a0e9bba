using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Tests.Findings;

public sealed class FingerprintsTests
{
    [Fact]
    public void Compute_SameInputs_SameSixteenHexCharacters()
    {
        var a = Fingerprints.Compute("select-star", "models/a.sql", "select * from x");
        var b = Fingerprints.Compute("select-star", "models/a.sql", "select * from x");

        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{16}$", a);
    }

    [Fact]
    public void Compute_IgnoresWhitespaceAndCaseOfTheAnchor()
    {
        Assert.Equal(
            Fingerprints.Compute("r", "f.sql", "SELECT *\tFROM   x"),
            Fingerprints.Compute("r", "f.sql", "  select * from x  "));
    }

    [Theory]
    [InlineData("other-rule", "f.sql", "anchor", 0)]
    [InlineData("r", "g.sql", "anchor", 0)]
    [InlineData("r", "f.sql", "another anchor", 0)]
    [InlineData("r", "f.sql", "anchor", 1)]
    public void Compute_AnyPartDiffers_FingerprintDiffers(string rule, string file, string anchor, int occurrence) =>
        Assert.NotEqual(Fingerprints.Compute("r", "f.sql", "anchor"), Fingerprints.Compute(rule, file, anchor, occurrence));

    [Fact]
    public void Assign_LineShift_KeepsTheFingerprint()
    {
        var before = Fingerprints.Assign([Finding("select * from raw.orders", line: 10)]);
        var after = Fingerprints.Assign([Finding("select * from raw.orders", line: 42)]);

        Assert.Equal(before[0].Fingerprint, after[0].Fingerprint);
    }

    [Fact]
    public void Assign_IdenticalAnchorsInOneFile_GetDistinctStableFingerprints()
    {
        var first = Fingerprints.Assign([Finding("select *", 1), Finding("select *", 9), Finding("select *", 20)]);
        var second = Fingerprints.Assign([Finding("select *", 3), Finding("select *", 11), Finding("select *", 25)]);

        Assert.Equal(3, first.Select(f => f.Fingerprint).Distinct().Count());
        Assert.Equal(first.Select(f => f.Fingerprint), second.Select(f => f.Fingerprint));
    }

    [Fact]
    public void Assign_AnchorsEqualOnlyAfterNormalisation_StillGetDistinctFingerprints()
    {
        // "select *" and "SELECT  *" hash the same, so they must be numbered as the same anchor.
        var findings = Fingerprints.Assign([Finding("select *", 1), Finding("SELECT  *", 2)]);

        Assert.NotEqual(findings[0].Fingerprint, findings[1].Fingerprint);
    }

    [Fact]
    public void Assign_ExistingFingerprint_IsKept()
    {
        var preset = Finding("x", 1) with { Fingerprint = "cafebabecafebabe" };

        var result = Fingerprints.Assign([preset, Finding("x", 2)]);

        Assert.Equal("cafebabecafebabe", result[0].Fingerprint);
        Assert.Equal(Fingerprints.Compute("rule", "models/a.sql", "x", 0), result[1].Fingerprint);
    }

    [Fact]
    public void Assign_NoAnchor_FallsBackToTheTitle()
    {
        var finding = Finding(null, 1);

        Assert.Equal(Fingerprints.Compute("rule", "models/a.sql", "Title", 0), Fingerprints.Assign([finding])[0].Fingerprint);
    }

    [Fact]
    public void Assign_SameAnchorInDifferentFilesOrRules_NumbersEachIndependently()
    {
        var result = Fingerprints.Assign(
        [
            Finding("select *", 1),
            Finding("select *", 1) with { File = "models/b.sql" },
            Finding("select *", 1) with { Rule = "other" },
        ]);

        Assert.Equal(Fingerprints.Compute("rule", "models/b.sql", "select *", 0), result[1].Fingerprint);
        Assert.Equal(Fingerprints.Compute("other", "models/a.sql", "select *", 0), result[2].Fingerprint);
    }

    private static Finding Finding(string? anchor, int line) => new()
    {
        Agent = AgentName.Quality,
        Rule = "rule",
        Severity = Severity.Medium,
        File = "models/a.sql",
        Line = line,
        Title = "Title",
        Message = "Message",
        Anchor = anchor,
    };
}
