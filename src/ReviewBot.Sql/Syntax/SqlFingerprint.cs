using System.Text;
using ReviewBot.Sql.Lexing;

namespace ReviewBot.Sql.Syntax;

/// <summary>
/// Canonical text of a span: its tokens, lower-cased where unquoted, joined by single spaces. Layout, comments and
/// keyword case do not change a fingerprint; anything else does. Used to compare expressions across versions.
/// Opaque placeholders all read as <c>__rb_opaque__</c>: their numbers shift when a placeholder is added earlier in
/// the file, and what they stand for is the dbt layer's to compare (it has the template call text).
/// </summary>
public sealed class SqlFingerprint(IReadOnlyList<SqlToken> tokens)
{
    private readonly IReadOnlyList<SqlToken> _tokens = tokens;

    /// <summary>The canonical text of the tokens inside <paramref name="span"/>.</summary>
    public string Of(SqlSpan span)
    {
        var first = FirstAtOrAfter(span.Offset);
        var sb = new StringBuilder();
        for (var i = first; i < _tokens.Count && _tokens[i].End <= span.End && _tokens[i].Kind != SqlTokenKind.End; i++)
        {
            var token = _tokens[i];
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            if (token.Kind == SqlTokenKind.Word && token.Value.StartsWith(SqlNames.OpaquePrefix, StringComparison.Ordinal) || token.Kind == SqlTokenKind.Template)
            {
                sb.Append("__rb_opaque__");
                continue;
            }

            sb.Append(token.Kind is SqlTokenKind.Word or SqlTokenKind.Symbol ? token.Value.ToLowerInvariant() : token.Value);
        }

        return sb.ToString();
    }

    /// <summary>The canonical text of a node.</summary>
    public string Of(SqlNode? node) => node is null ? string.Empty : Of(node.Span);

    private int FirstAtOrAfter(int offset)
    {
        int lo = 0, hi = _tokens.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_tokens[mid].Offset < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
