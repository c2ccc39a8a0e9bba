namespace ReviewBot.Sql.Lexing;

/// <summary>What a token is.</summary>
public enum SqlTokenKind
{
    /// <summary>An unquoted word: keyword or identifier (the parser decides by position).</summary>
    Word,

    /// <summary>A quoted identifier ("x", `x`); <see cref="SqlToken.Value"/> holds the name without quotes.</summary>
    QuotedIdentifier,

    /// <summary>A string literal of any quoting style; <see cref="SqlToken.Value"/> holds the raw text with quotes.</summary>
    String,

    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>Punctuation or an operator.</summary>
    Symbol,

    /// <summary>A bind parameter or session variable: ?, $1, :name, @name, $name.</summary>
    Parameter,

    /// <summary>Leftover template expression ({{ ... }}) the renderer did not resolve; read as an opaque value.</summary>
    Template,

    /// <summary>Text the lexer could not read (an unterminated string or comment); the statement holding it fails.</summary>
    Error,

    /// <summary>The end of the text.</summary>
    End,
}

/// <summary>One token: kind, where it is, and its text (<see cref="Value"/>).</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, int Offset, int Length, string Value)
{
    public SqlSpan Span => new(Offset, Length);

    public int End => Offset + Length;

    /// <summary>True for an unquoted word equal to <paramref name="keyword"/> (case-insensitive).</summary>
    public bool IsWord(string keyword) => Kind == SqlTokenKind.Word && string.Equals(Value, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && string.Equals(Value, symbol, StringComparison.Ordinal);
}
