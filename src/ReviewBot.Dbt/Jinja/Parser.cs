using System.Globalization;
using System.Runtime.CompilerServices;

namespace ReviewBot.Dbt.Jinja;

/// <summary>
/// Recursive-descent parser from tokens to <see cref="TemplateAst"/>. Nesting (statements and expressions) is counted
/// and limited, and the stack is checked, so adversarial input ends as a <see cref="TemplateErrorKind.Limit"/> error,
/// never a stack overflow.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> CompareOps = ["==", "!=", "<", "<=", ">", ">="];
    private readonly List<Token> _tokens;
    private readonly int _maxDepth;
    private readonly List<MacroNode> _macros = [];
    private int _pos;
    private int _depth;

    private Parser(List<Token> tokens, int maxDepth)
    {
        _tokens = tokens;
        _maxDepth = maxDepth;
    }

    public static TemplateAst Parse(string source, int maxDepth = 100)
    {
        var parser = new Parser(Lexer.Tokenize(source), maxDepth);
        var body = parser.ParseBody(null, out _);
        return new TemplateAst(body, parser._macros);
    }

    private Token Current => _tokens[_pos];

    private Token Peek(int offset = 1) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];

    private Token Next() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    private void Enter()
    {
        if (++_depth > _maxDepth)
        {
            throw TemplateException.Limit($"nesting depth limit ({_maxDepth})", Current.Line);
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw TemplateException.Limit("nesting depth limit (stack)", Current.Line);
        }
    }

    private void Leave() => _depth--;

    private Token Expect(TokenKind kind, string? value = null)
    {
        var t = Current;
        if (t.Kind != kind || (value is not null && !string.Equals(t.Value, value, StringComparison.Ordinal)))
        {
            var what = value ?? kind switch
            {
                TokenKind.Name => "a name",
                TokenKind.BlockEnd => "'%}'",
                TokenKind.VarEnd => "'}}'",
                _ => kind.ToString(),
            };
            throw TemplateException.Syntax($"expected {what}, found {t}", t.Line);
        }

        return Next();
    }

    private bool AcceptOp(string op)
    {
        if (Current.IsOp(op))
        {
            _pos++;
            return true;
        }

        return false;
    }

    private bool AcceptName(string name)
    {
        if (Current.IsName(name))
        {
            _pos++;
            return true;
        }

        return false;
    }

    /// <summary>Parses nodes until a block tag whose name is in <paramref name="ends"/> (consumed up to its name).</summary>
    private List<Node> ParseBody(string[]? ends, out string endTag)
    {
        var nodes = new List<Node>();
        var openLine = Current.Line;
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.Eof:
                    if (ends is not null)
                    {
                        throw TemplateException.Syntax($"missing '{{% {ends[^1]} %}}' for the block opened at line {openLine}", openLine);
                    }

                    endTag = string.Empty;
                    return nodes;
                case TokenKind.Text:
                    nodes.Add(new TextNode(t.Line, t.Value));
                    _pos++;
                    break;
                case TokenKind.VarBegin:
                    _pos++;
                    var value = ParseTupleOrExpression();
                    Expect(TokenKind.VarEnd);
                    nodes.Add(new OutputNode(t.Line, value));
                    break;
                case TokenKind.BlockBegin:
                    var name = Peek();
                    if (name.Kind == TokenKind.Name && ends is not null && Array.IndexOf(ends, name.Value) >= 0)
                    {
                        _pos += 2;
                        endTag = name.Value;
                        return nodes;
                    }

                    _pos++;
                    var node = ParseStatement();
                    if (node is not null)
                    {
                        nodes.Add(node);
                    }

                    break;
                default:
                    throw TemplateException.Syntax($"unexpected {t}", t.Line);
            }
        }
    }

    private void EndTag()
    {
        // `{% endmacro name %}`-style trailing words are tolerated, as dbt projects write them.
        while (Current.Kind == TokenKind.Name)
        {
            _pos++;
        }

        Expect(TokenKind.BlockEnd);
    }

    private Node? ParseStatement()
    {
        var keyword = Expect(TokenKind.Name);
        Enter();
        try
        {
            switch (keyword.Value)
            {
                case "if": return ParseIf(keyword.Line);
                case "for": return ParseFor(keyword.Line);
                case "set": return ParseSet(keyword.Line);
                case "macro": return ParseMacro(keyword.Line, "endmacro", null);
                case "test":
                    // dbt generic test definitions are macros named test_<name>.
                    return ParseMacro(keyword.Line, "endtest", "test_");
                case "call": return ParseCall(keyword.Line);
                case "do":
                {
                    var e = ParseTupleOrExpression();
                    Expect(TokenKind.BlockEnd);
                    return new DoNode(keyword.Line, e);
                }

                case "filter":
                {
                    var filters = ParseFilterChain(first: true);
                    Expect(TokenKind.BlockEnd);
                    var body = ParseBody(["endfilter"], out _);
                    EndTag();
                    return new FilterBlockNode(keyword.Line, filters, body);
                }

                case "with": return ParseWith(keyword.Line);
                case "snapshot":
                {
                    var name = Expect(TokenKind.Name).Value;
                    Expect(TokenKind.BlockEnd);
                    var body = ParseBody(["endsnapshot"], out _);
                    EndTag();
                    return new SnapshotNode(keyword.Line, name, body);
                }

                case "materialization" or "docs":
                {
                    // Definitions dbt keeps for other purposes: parsed for validity, not rendered.
                    while (Current.Kind is not TokenKind.BlockEnd and not TokenKind.Eof)
                    {
                        _pos++;
                    }

                    Expect(TokenKind.BlockEnd);
                    ParseBody(["end" + keyword.Value], out _);
                    EndTag();
                    return null;
                }

                default:
                    throw TemplateException.Syntax($"unknown tag '{keyword.Value}'", keyword.Line);
            }
        }
        finally
        {
            Leave();
        }
    }

    private IfNode ParseIf(int line)
    {
        var branches = new List<(Expr, IReadOnlyList<Node>)>();
        IReadOnlyList<Node>? otherwise = null;
        var condition = ParseTupleOrExpression();
        while (true)
        {
            Expect(TokenKind.BlockEnd);
            var body = ParseBody(["elif", "else", "endif"], out var end);
            branches.Add((condition, body));
            if (end == "elif")
            {
                condition = ParseTupleOrExpression();
                continue;
            }

            if (end == "else")
            {
                Expect(TokenKind.BlockEnd);
                otherwise = ParseBody(["endif"], out _);
            }

            EndTag();
            return new IfNode(line, branches, otherwise);
        }
    }

    private ForNode ParseFor(int line)
    {
        var targets = new List<string>();
        var paren = AcceptOp("(");
        do
        {
            targets.Add(Expect(TokenKind.Name).Value);
        }
        while (AcceptOp(","));
        if (paren)
        {
            Expect(TokenKind.Operator, ")");
        }

        Expect(TokenKind.Name, "in");
        var iterable = ParseTupleOrExpression(withCondition: false);
        Expr? filter = null;
        if (AcceptName("if"))
        {
            filter = ParseExpression();
        }

        AcceptName("recursive");
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(["else", "endfor"], out var end);
        IReadOnlyList<Node>? otherwise = null;
        if (end == "else")
        {
            Expect(TokenKind.BlockEnd);
            otherwise = ParseBody(["endfor"], out _);
        }

        EndTag();
        return new ForNode(line, targets, iterable, filter, body, otherwise);
    }

    private SetTarget ParseSetTarget()
    {
        var name = Expect(TokenKind.Name).Value;
        if (AcceptOp("."))
        {
            return new SetTarget(name, Expect(TokenKind.Name).Value);
        }

        return new SetTarget(name, null);
    }

    private Node ParseSet(int line)
    {
        var targets = new List<SetTarget> { ParseSetTarget() };
        while (AcceptOp(","))
        {
            targets.Add(ParseSetTarget());
        }

        if (AcceptOp("="))
        {
            var value = ParseTupleOrExpression();
            Expect(TokenKind.BlockEnd);
            return new SetNode(line, targets, value);
        }

        var filters = Current.IsOp("|") ? ParseFilterChain(first: false) : [];
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endset"], out _);
        EndTag();
        return new SetBlockNode(line, targets[0], filters, body);
    }

    private List<MacroParameter> ParseParameters()
    {
        var parameters = new List<MacroParameter>();
        Expect(TokenKind.Operator, "(");
        while (!Current.IsOp(")"))
        {
            var name = Expect(TokenKind.Name).Value;
            Expr? def = null;
            if (AcceptOp("="))
            {
                def = ParseExpression();
            }

            parameters.Add(new MacroParameter(name, def));
            if (!AcceptOp(","))
            {
                break;
            }
        }

        Expect(TokenKind.Operator, ")");
        return parameters;
    }

    private MacroNode ParseMacro(int line, string end, string? prefix)
    {
        var name = Expect(TokenKind.Name).Value;
        var parameters = Current.IsOp("(") ? ParseParameters() : [];
        Expect(TokenKind.BlockEnd);
        var body = ParseBody([end], out _);
        EndTag();
        var macro = new MacroNode(line, prefix + name, parameters, body);
        if (_depth == 1)
        {
            _macros.Add(macro);
        }

        return macro;
    }

    private CallBlockNode ParseCall(int line)
    {
        var parameters = Current.IsOp("(") ? ParseParameters() : [];
        var call = ParseExpression() as CallExpr ?? throw TemplateException.Syntax("expected a call in '{% call %}'", line);
        Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endcall"], out _);
        EndTag();
        return new CallBlockNode(line, call, parameters, body);
    }

    private WithNode ParseWith(int line)
    {
        var assignments = new List<(string, Expr)>();
        while (Current.Kind == TokenKind.Name)
        {
            var name = Next().Value;
            Expect(TokenKind.Operator, "=");
            assignments.Add((name, ParseExpression()));
            if (!AcceptOp(","))
            {
                break;
            }
        }

        Expect(TokenKind.BlockEnd);
        var body = ParseBody(["endwith"], out _);
        EndTag();
        return new WithNode(line, assignments, body);
    }

    private List<FilterCall> ParseFilterChain(bool first)
    {
        var filters = new List<FilterCall>();
        if (first)
        {
            filters.Add(ParseFilterCall());
        }

        while (AcceptOp("|"))
        {
            filters.Add(ParseFilterCall());
        }

        return filters;
    }

    private FilterCall ParseFilterCall()
    {
        var name = Expect(TokenKind.Name);
        var full = name.Value;
        while (AcceptOp("."))
        {
            full += "." + Expect(TokenKind.Name).Value;
        }

        if (Current.IsOp("("))
        {
            var (args, kwargs, _, _) = ParseArguments();
            return new FilterCall(full, args, kwargs, name.Line);
        }

        return new FilterCall(full, [], [], name.Line);
    }

    /// <summary>An expression, or a bare tuple <c>a, b</c> (read as a list).</summary>
    private Expr ParseTupleOrExpression(bool withCondition = true)
    {
        var line = Current.Line;
        var first = withCondition ? ParseExpression() : ParseOr();
        if (!Current.IsOp(","))
        {
            return first;
        }

        var items = new List<Expr> { first };
        while (AcceptOp(","))
        {
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VarEnd)
            {
                break;
            }

            items.Add(withCondition ? ParseExpression() : ParseOr());
        }

        return new ListExpr(line, items);
    }

    private Expr ParseExpression()
    {
        Enter();
        try
        {
            var line = Current.Line;
            var expr = ParseOr();
            while (AcceptName("if"))
            {
                var condition = ParseOr();
                Expr? otherwise = null;
                if (AcceptName("else"))
                {
                    otherwise = ParseExpression();
                }

                expr = new CondExpr(line, condition, expr, otherwise);
            }

            return expr;
        }
        finally
        {
            Leave();
        }
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var line = Next().Line;
            left = new BinaryExpr(line, "or", left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var line = Next().Line;
            left = new BinaryExpr(line, "and", left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        var nots = 0;
        var line = Current.Line;
        while (Current.IsName("not"))
        {
            _pos++;
            nots++;
        }

        var expr = ParseCompare();
        for (var i = 0; i < nots; i++)
        {
            expr = new UnaryExpr(line, "not", expr);
        }

        return expr;
    }

    private Expr ParseCompare()
    {
        var left = ParseMath1();
        while (true)
        {
            var t = Current;
            string op;
            if (t.Kind == TokenKind.Operator && CompareOps.Contains(t.Value))
            {
                op = t.Value;
                _pos++;
            }
            else if (t.IsName("in"))
            {
                op = "in";
                _pos++;
            }
            else if (t.IsName("not") && Peek().IsName("in"))
            {
                op = "not in";
                _pos += 2;
            }
            else
            {
                return left;
            }

            left = new BinaryExpr(t.Line, op, left, ParseMath1());
        }
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOp("+") || Current.IsOp("-"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, t.Value, left, ParseConcat());
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOp("~"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, "~", left, ParseMath2());
        }

        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.IsOp("*") || Current.IsOp("/") || Current.IsOp("//") || Current.IsOp("%"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, t.Value, left, ParsePow());
        }

        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary();
        while (Current.IsOp("**"))
        {
            var t = Next();
            left = new BinaryExpr(t.Line, "**", left, ParseUnary());
        }

        return left;
    }

    private Expr ParseUnary()
    {
        var signs = new List<Token>();
        while (Current.IsOp("-") || Current.IsOp("+"))
        {
            signs.Add(Next());
        }

        var expr = ParsePostfix(ParsePrimary());
        for (var i = signs.Count - 1; i >= 0; i--)
        {
            expr = new UnaryExpr(signs[i].Line, signs[i].Value, expr);
        }

        return expr;
    }

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(t.Line, true),
                    "false" or "False" => new ConstExpr(t.Line, false),
                    "none" or "None" => new ConstExpr(t.Line, null),
                    _ => new NameExpr(t.Line, t.Value),
                };
            case TokenKind.String:
            {
                var s = t.Value;
                while (Current.Kind == TokenKind.String)
                {
                    s += Next().Value;
                }

                return new ConstExpr(t.Line, s);
            }

            case TokenKind.Integer:
                return new ConstExpr(t.Line, long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? (object)l : double.Parse(t.Value, CultureInfo.InvariantCulture));
            case TokenKind.Float:
                return new ConstExpr(t.Line, double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when t.Value == "(":
            {
                if (AcceptOp(")"))
                {
                    return new ListExpr(t.Line, []);
                }

                var first = ParseExpression();
                if (AcceptOp(")"))
                {
                    return first;
                }

                var items = new List<Expr> { first };
                while (AcceptOp(","))
                {
                    if (Current.IsOp(")"))
                    {
                        break;
                    }

                    items.Add(ParseExpression());
                }

                Expect(TokenKind.Operator, ")");
                return new ListExpr(t.Line, items);
            }

            case TokenKind.Operator when t.Value == "[":
            {
                var items = new List<Expr>();
                while (!Current.IsOp("]"))
                {
                    items.Add(ParseExpression());
                    if (!AcceptOp(","))
                    {
                        break;
                    }
                }

                Expect(TokenKind.Operator, "]");
                return new ListExpr(t.Line, items);
            }

            case TokenKind.Operator when t.Value == "{":
            {
                var items = new List<(Expr, Expr)>();
                while (!Current.IsOp("}"))
                {
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    items.Add((key, ParseExpression()));
                    if (!AcceptOp(","))
                    {
                        break;
                    }
                }

                Expect(TokenKind.Operator, "}");
                return new DictExpr(t.Line, items);
            }

            default:
                throw TemplateException.Syntax($"unexpected {t} in an expression", t.Line);
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOp("."))
            {
                _pos++;
                var name = Next();
                expr = name.Kind switch
                {
                    TokenKind.Name => new AttrExpr(t.Line, expr, name.Value),
                    TokenKind.Integer => new SubscriptExpr(t.Line, expr, new ConstExpr(t.Line, long.Parse(name.Value, CultureInfo.InvariantCulture))),
                    _ => throw TemplateException.Syntax($"expected an attribute name after '.', found {name}", name.Line),
                };
            }
            else if (t.IsOp("["))
            {
                _pos++;
                expr = ParseSubscript(expr, t.Line);
            }
            else if (t.IsOp("("))
            {
                var (args, kwargs, star, starStar) = ParseArguments();
                expr = new CallExpr(t.Line, expr, args, kwargs, star, starStar);
            }
            else if (t.IsOp("|"))
            {
                _pos++;
                expr = new FilterExpr(t.Line, expr, ParseFilterCall());
            }
            else if (t.IsName("is"))
            {
                _pos++;
                var negated = AcceptName("not");
                var nameToken = Next();
                var name = nameToken.Kind switch
                {
                    TokenKind.Name => nameToken.Value,
                    TokenKind.Operator when CompareOps.Contains(nameToken.Value) => nameToken.Value,
                    _ => throw TemplateException.Syntax($"expected a test name after 'is', found {nameToken}", nameToken.Line),
                };
                var args = new List<Expr>();
                if (Current.IsOp("("))
                {
                    var (a, _, _, _) = ParseArguments();
                    args.AddRange(a);
                }
                else if (Current.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
                    || Current.IsOp("[") || Current.IsOp("{")
                    || (Current.Kind == TokenKind.Name && Current.Value is not ("and" or "or" or "else" or "if" or "in" or "not" or "is")))
                {
                    args.Add(ParsePostfix(ParsePrimary()));
                }

                expr = new TestExpr(t.Line, expr, name, args, negated);
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParseSubscript(Expr target, int line)
    {
        Expr? start = null, stop = null, step = null;
        if (!Current.IsOp(":"))
        {
            start = ParseExpression();
            if (AcceptOp("]"))
            {
                return new SubscriptExpr(line, target, start);
            }
        }

        Expect(TokenKind.Operator, ":");
        if (!Current.IsOp("]") && !Current.IsOp(":"))
        {
            stop = ParseExpression();
        }

        if (AcceptOp(":") && !Current.IsOp("]"))
        {
            step = ParseExpression();
        }

        Expect(TokenKind.Operator, "]");
        return new SliceExpr(line, target, start, stop, step);
    }

    private (List<Expr> Args, List<(string, Expr)> Kwargs, Expr? Star, Expr? StarStar) ParseArguments()
    {
        Expect(TokenKind.Operator, "(");
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        Expr? star = null, starStar = null;
        while (!Current.IsOp(")"))
        {
            if (AcceptOp("**"))
            {
                starStar = ParseExpression();
            }
            else if (AcceptOp("*"))
            {
                star = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Peek().IsOp("="))
            {
                var name = Next().Value;
                _pos++;
                kwargs.Add((name, ParseExpression()));
            }
            else
            {
                args.Add(ParseExpression());
            }

            if (!AcceptOp(","))
            {
                break;
            }
        }

        Expect(TokenKind.Operator, ")");
        return (args, kwargs, star, starStar);
    }
}
