namespace ReviewBot.Dbt.Jinja;

/// <summary>An undefined name or attribute. Renders as nothing; calling it is an unresolved call.</summary>
internal sealed class Undefined(string name)
{
    public string Name { get; } = name;

    public override string ToString() => string.Empty;
}

/// <summary>
/// A value the renderer cannot know without a warehouse or a missing package (a <c>run_query</c> result, an unknown
/// macro's output). Renders as an identifier the SQL layer treats as opaque; attributes, calls and items of it are
/// opaque too; iterating it yields nothing; it is falsy.
/// </summary>
internal sealed class Opaque(int id, string origin)
{
    public int Id { get; } = id;

    public string Origin { get; } = origin;

    public override string ToString() => $"__rb_opaque_{Id}__";
}

/// <summary>Arguments of a call after evaluation.</summary>
internal sealed class CallArgs(List<object?> positional, Dictionary<string, object?> named, int line)
{
    public static readonly Dictionary<string, object?> NoNamed = new(StringComparer.Ordinal);

    public List<object?> Positional { get; } = positional;

    public Dictionary<string, object?> Named { get; } = named;

    public int Line { get; } = line;

    /// <summary>The body of a <c>{% call %}</c> block, when the call came from one.</summary>
    public MacroValue? Caller { get; init; }

    /// <summary>The template line of each keyword argument's value, for calls written in the model itself (null elsewhere).</summary>
    public Dictionary<string, int>? NamedLines { get; init; }

    public object? Get(int index, string name, object? fallback = null)
    {
        if (Named.TryGetValue(name, out var v))
        {
            return v;
        }

        return index >= 0 && index < Positional.Count ? Positional[index] : fallback;
    }

    public bool Has(int index, string name) => Named.ContainsKey(name) || (index >= 0 && index < Positional.Count);
}

/// <summary>A callable implemented in C# (a filter-like global, a dbt context function).</summary>
internal sealed class NativeFunction(string name, Func<Interpreter, CallArgs, object?> invoke)
{
    public string Name { get; } = name;

    public Func<Interpreter, CallArgs, object?> Invoke { get; } = invoke;

    public override string ToString() => string.Empty;
}

/// <summary>A method bound to its receiver: <c>"a,b".split(",")</c>, <c>my_list.append(x)</c>.</summary>
internal sealed class BoundMethod(object receiver, string name)
{
    public object Receiver { get; } = receiver;

    public string Name { get; } = name;

    public override string ToString() => string.Empty;
}

/// <summary>A macro: its definition, the package it belongs to (null for the model's own macros), and its module scope.</summary>
internal sealed class MacroValue(MacroNode node, string? package, Scope? closure)
{
    public MacroNode Node { get; } = node;

    public string? Package { get; } = package;

    public Scope? Closure { get; } = closure;

    public override string ToString() => string.Empty;
}

/// <summary>An object with attributes supplied by code (relation, adapter, loop, namespace...).</summary>
internal interface IJinjaObject
{
    object? GetAttribute(Interpreter interpreter, string name);
}

/// <summary>An object that also behaves as a mapping (<c>is mapping</c>, <c>obj['key']</c>, <c>obj.get('key')</c>), as dbt's relations do.</summary>
internal interface IMapping
{
    bool TryGetItem(string key, out object? value);
}

/// <summary><c>namespace()</c>: the one mutable object Jinja lets a loop body write to.</summary>
internal sealed class Namespace : IJinjaObject
{
    public Dictionary<string, object?> Values { get; } = new(StringComparer.Ordinal);

    public object? GetAttribute(Interpreter interpreter, string name) => Values.TryGetValue(name, out var v) ? v : new Undefined(name);
}

internal sealed class LoopInfo(int length) : IJinjaObject
{
    public int Index0 { get; set; }

    public int Length { get; } = length;

    public object? Previous { get; set; }

    public object? NextItem { get; set; }

    public bool HasPrevious { get; set; }

    public bool HasNext { get; set; }

    public object? GetAttribute(Interpreter interpreter, string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => HasPrevious ? Previous : new Undefined("previtem"),
        "nextitem" => HasNext ? NextItem : new Undefined("nextitem"),
        "cycle" => new NativeFunction("cycle", (_, a) => a.Positional.Count == 0 ? null : a.Positional[Index0 % a.Positional.Count]),
        "changed" => new NativeFunction("changed", (_, _) => true),
        _ => new Undefined("loop." + name),
    };
}

/// <summary>A chain of variable scopes. Lookups walk up iteratively.</summary>
internal sealed class Scope(Scope? parent)
{
    public Dictionary<string, object?> Vars { get; } = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s.Vars.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }
}
