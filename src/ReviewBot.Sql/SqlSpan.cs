namespace ReviewBot.Sql;

/// <summary>A range of characters in the SQL text a node was parsed from: <see cref="Offset"/> and <see cref="Length"/>.</summary>
public readonly record struct SqlSpan(int Offset, int Length)
{
    /// <summary>The offset just past the span.</summary>
    public int End => Offset + Length;

    /// <summary>The span from the start of <paramref name="first"/> to the end of <paramref name="last"/>.</summary>
    public static SqlSpan Cover(SqlSpan first, SqlSpan last) => new(first.Offset, Math.Max(0, last.End - first.Offset));

    /// <summary>True when <paramref name="other"/> lies within this span.</summary>
    public bool Contains(SqlSpan other) => other.Offset >= Offset && other.End <= End;
}

/// <summary>The text a parse read, with a line index so that any <see cref="SqlSpan"/> maps to a 1-based line.</summary>
public sealed class SqlSourceText
{
    private readonly int[] _lineStarts;

    public SqlSourceText(string text)
    {
        Text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = [.. starts];
    }

    /// <summary>The whole text.</summary>
    public string Text { get; }

    /// <summary>The 1-based line holding <paramref name="offset"/>.</summary>
    public int LineOf(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, Math.Clamp(offset, 0, Math.Max(0, Text.Length)));
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>The text a span covers.</summary>
    public string Slice(SqlSpan span) => Text.Substring(span.Offset, Math.Min(span.Length, Text.Length - span.Offset));
}
