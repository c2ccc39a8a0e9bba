using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;
using ReviewBot.GitHub.Publishing;

namespace ReviewBot.GitHub.Tests.Publishing;

public sealed class CheckAnnotationsTests
{
    private static Finding Finding(string file, int? line, Severity severity, int? endLine = null) => new()
    {
        Agent = new AgentName("governance"), Rule = "secret-in-code", Severity = severity, File = file, Line = line, EndLine = endLine,
        Title = "Secret in code", Message = "m",
    };

    [Fact]
    public void From_OnlyFindingsOnChangedLinesOfChangedFiles_MostSevereFirst()
    {
        var hunk = new DiffHunk(1, 1, 1, 3, "", [
            new DiffLine(DiffLineKind.Context, "a", 1, 1),
            new DiffLine(DiffLineKind.Added, "b", null, 2),
            new DiffLine(DiffLineKind.Added, "c", null, 3),
        ]);
        var change = new ChangeSet(
            [new FileChange("a.sql", ChangeKind.Modified, [hunk]), new FileChange("gone.sql", ChangeKind.Deleted, [hunk])],
            MemorySnapshot.Empty("b"),
            MemorySnapshot.Empty("h"));

        var annotations = CheckAnnotations.From(
            [
                Finding("a.sql", 2, Severity.Medium),
                Finding("a.sql", 3, Severity.Critical, endLine: 1),
                Finding("a.sql", 40, Severity.High),
                Finding("a.sql", null, Severity.High),
                Finding("other.sql", 2, Severity.High),
                Finding("gone.sql", 2, Severity.High),
            ],
            change);

        Assert.Equal([3, 2], annotations.Select(a => a.StartLine));
        Assert.Equal(AnnotationLevel.Failure, annotations[0].Level);
        Assert.Equal(3, annotations[0].EndLine);
        Assert.Equal(AnnotationLevel.Warning, annotations[1].Level);
        Assert.Equal("[critical] governance/secret-in-code: Secret in code", annotations[0].Title);
    }
}
