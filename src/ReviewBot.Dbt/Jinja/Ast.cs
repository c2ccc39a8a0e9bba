namespace ReviewBot.Dbt.Jinja;

// Immutable syntax tree of a template. Nodes carry the line they start on (1-based, in the template's own file).

internal abstract class Node(int line)
{
    public int Line { get; } = line;
}

internal sealed class TextNode(int line, string text) : Node(line)
{
    public string Text { get; } = text;
}

internal sealed class OutputNode(int line, Expr value) : Node(line)
{
    public Expr Value { get; } = value;
}

internal sealed class IfNode(int line, IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> branches, IReadOnlyList<Node>? otherwise) : Node(line)
{
    public IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> Branches { get; } = branches;

    public IReadOnlyList<Node>? Else { get; } = otherwise;
}

internal sealed class ForNode(int line, IReadOnlyList<string> targets, Expr iterable, Expr? filter, IReadOnlyList<Node> body, IReadOnlyList<Node>? otherwise) : Node(line)
{
    public IReadOnlyList<string> Targets { get; } = targets;

    public Expr Iterable { get; } = iterable;

    public Expr? Filter { get; } = filter;

    public IReadOnlyList<Node> Body { get; } = body;

    public IReadOnlyList<Node>? Else { get; } = otherwise;
}

/// <summary>A set target: a name, or <c>ns.attr</c> on a namespace.</summary>
internal sealed record SetTarget(string Name, string? Attribute);

internal sealed class SetNode(int line, IReadOnlyList<SetTarget> targets, Expr value) : Node(line)
{
    public IReadOnlyList<SetTarget> Targets { get; } = targets;

    public Expr Value { get; } = value;
}

internal sealed class SetBlockNode(int line, SetTarget target, IReadOnlyList<FilterCall> filters, IReadOnlyList<Node> body) : Node(line)
{
    public SetTarget Target { get; } = target;

    public IReadOnlyList<FilterCall> Filters { get; } = filters;

    public IReadOnlyList<Node> Body { get; } = body;
}

internal sealed record MacroParameter(string Name, Expr? Default);

internal sealed class MacroNode(int line, string name, IReadOnlyList<MacroParameter> parameters, IReadOnlyList<Node> body) : Node(line)
{
    public string Name { get; } = name;

    public IReadOnlyList<MacroParameter> Parameters { get; } = parameters;

    public IReadOnlyList<Node> Body { get; } = body;
}

internal sealed class CallBlockNode(int line, CallExpr call, IReadOnlyList<MacroParameter> callerParameters, IReadOnlyList<Node> body) : Node(line)
{
    public CallExpr Call { get; } = call;

    public MacroNode Caller { get; } = new(line, "caller", callerParameters, body);
}

internal sealed class DoNode(int line, Expr value) : Node(line)
{
    public Expr Value { get; } = value;
}

internal sealed class FilterBlockNode(int line, IReadOnlyList<FilterCall> filters, IReadOnlyList<Node> body) : Node(line)
{
    public IReadOnlyList<FilterCall> Filters { get; } = filters;

    public IReadOnlyList<Node> Body { get; } = body;
}

internal sealed class WithNode(int line, IReadOnlyList<(string Name, Expr Value)> assignments, IReadOnlyList<Node> body) : Node(line)
{
    public IReadOnlyList<(string Name, Expr Value)> Assignments { get; } = assignments;

    public IReadOnlyList<Node> Body { get; } = body;
}

/// <summary>dbt's <c>{% snapshot name %}</c> block: its body is the snapshot's select.</summary>
internal sealed class SnapshotNode(int line, string name, IReadOnlyList<Node> body) : Node(line)
{
    public string Name { get; } = name;

    public IReadOnlyList<Node> Body { get; } = body;
}

internal abstract class Expr(int line)
{
    public int Line { get; } = line;
}

internal sealed class ConstExpr(int line, object? value) : Expr(line)
{
    public object? Value { get; } = value;
}

internal sealed class NameExpr(int line, string name) : Expr(line)
{
    public string Name { get; } = name;
}

internal sealed class ListExpr(int line, IReadOnlyList<Expr> items) : Expr(line)
{
    public IReadOnlyList<Expr> Items { get; } = items;
}

internal sealed class DictExpr(int line, IReadOnlyList<(Expr Key, Expr Value)> items) : Expr(line)
{
    public IReadOnlyList<(Expr Key, Expr Value)> Items { get; } = items;
}

internal sealed class AttrExpr(int line, Expr target, string name) : Expr(line)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;
}

internal sealed class SubscriptExpr(int line, Expr target, Expr index) : Expr(line)
{
    public Expr Target { get; } = target;

    public Expr Index { get; } = index;
}

internal sealed class SliceExpr(int line, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(line)
{
    public Expr Target { get; } = target;

    public Expr? Start { get; } = start;

    public Expr? Stop { get; } = stop;

    public Expr? Step { get; } = step;
}

internal sealed class CallExpr(int line, Expr callee, IReadOnlyList<Expr> args, IReadOnlyList<(string Name, Expr Value)> kwargs, Expr? starArgs, Expr? starKwargs) : Expr(line)
{
    public Expr Callee { get; } = callee;

    public IReadOnlyList<Expr> Args { get; } = args;

    public IReadOnlyList<(string Name, Expr Value)> Kwargs { get; } = kwargs;

    public Expr? StarArgs { get; } = starArgs;

    public Expr? StarKwargs { get; } = starKwargs;
}

internal sealed record FilterCall(string Name, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line);

internal sealed class FilterExpr(int line, Expr target, FilterCall filter) : Expr(line)
{
    public Expr Target { get; } = target;

    public FilterCall Filter { get; } = filter;
}

internal sealed class TestExpr(int line, Expr target, string name, IReadOnlyList<Expr> args, bool negated) : Expr(line)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public IReadOnlyList<Expr> Args { get; } = args;

    public bool Negated { get; } = negated;
}

internal sealed class UnaryExpr(int line, string op, Expr operand) : Expr(line)
{
    public string Op { get; } = op;

    public Expr Operand { get; } = operand;
}

internal sealed class BinaryExpr(int line, string op, Expr left, Expr right) : Expr(line)
{
    public string Op { get; } = op;

    public Expr Left { get; } = left;

    public Expr Right { get; } = right;
}

internal sealed class CondExpr(int line, Expr condition, Expr then, Expr? otherwise) : Expr(line)
{
    public Expr Condition { get; } = condition;

    public Expr Then { get; } = then;

    public Expr? Else { get; } = otherwise;
}

/// <summary>A parsed template: its body and the macros it defines at top level.</summary>
internal sealed class TemplateAst(IReadOnlyList<Node> body, IReadOnlyList<MacroNode> macros)
{
    public IReadOnlyList<Node> Body { get; } = body;

    public IReadOnlyList<MacroNode> Macros { get; } = macros;
}
