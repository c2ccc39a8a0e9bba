using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.GitHub.Publishing;

/// <summary>Check-run annotations for findings on changed lines.</summary>
public static class CheckAnnotations
{
    /// <summary>
    /// One annotation per finding that has a line inside a hunk of a changed file, most severe first.
    /// Findings elsewhere stay in the comment and the check run text.
    /// </summary>
    public static IReadOnlyList<CheckAnnotation> From(IReadOnlyList<Finding> findings, ChangeSet? change)
    {
        var files = change?.Files.Where(f => f.Kind != ChangeKind.Deleted).ToDictionary(f => f.Path, StringComparer.Ordinal);
        return findings
            .Where(f => f.Line is { } line && line > 0 && (files is null || (files.TryGetValue(f.File, out var file) && file.IsInHunk(line))))
            .OrderByDescending(f => f.Severity)
            .Select(f => new CheckAnnotation(
                f.File,
                f.Line!.Value,
                f.EndLine is { } end && end >= f.Line ? end : f.Line.Value,
                Level(f.Severity),
                $"[{f.Severity.ToText()}] {f.Agent}/{f.Rule}: {f.Title}",
                f.Message))
            .ToList();
    }

    public static AnnotationLevel Level(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => AnnotationLevel.Failure,
        Severity.Medium => AnnotationLevel.Warning,
        _ => AnnotationLevel.Notice,
    };
}
