namespace ReviewBot.Dbt.Jinja;

internal enum TokenKind
{
    Text,
    VarBegin,
    VarEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    Eof,
}

internal readonly record struct Token(TokenKind Kind, string Value, int Line)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && string.Equals(Value, value, StringComparison.Ordinal);

    public bool IsOp(string value) => Kind == TokenKind.Operator && string.Equals(Value, value, StringComparison.Ordinal);

    public bool IsName(string value) => Kind == TokenKind.Name && string.Equals(Value, value, StringComparison.Ordinal);

    public override string ToString() => Kind is TokenKind.Eof ? "end of template" : $"'{Value}'";
}
