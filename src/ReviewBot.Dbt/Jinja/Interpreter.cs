using System.Runtime.CompilerServices;
using System.Text;

namespace ReviewBot.Dbt.Jinja;

/// <summary>Names the template engine cannot find in scope are asked of the host (the dbt context).</summary>
internal interface IGlobals
{
    bool TryResolve(Interpreter interpreter, string name, out object? value);
}

/// <summary>A value that is callable and may have attributes (dbt's <c>config</c>, <c>adapter.dispatch(...)</c>).</summary>
internal interface IJinjaCallable
{
    object? Call(Interpreter interpreter, CallArgs args);
}

/// <summary>A value that wants to know where it was written in the model's output (ref/source relations).</summary>
internal interface ISpanObserver
{
    void Written(Interpreter interpreter, int offset, int length);
}

/// <summary>One piece of the source map: output from <see cref="Offset"/> on comes from <see cref="Line"/>; text segments advance a line per newline.</summary>
internal readonly record struct SourceSegment(int Offset, int Line, bool CountsNewlines);

internal sealed class Output(bool tracked)
{
    public StringBuilder Text { get; } = new();

    public List<SourceSegment>? Map { get; } = tracked ? [] : null;
}

/// <summary>
/// Tree-walking evaluator. Recursion depth is bounded by the parser's nesting limit, the macro call-depth limit and a
/// stack check on every evaluation; work is bounded by steps, loop iterations, output size and wall time.
/// </summary>
internal sealed class Interpreter
{
    private readonly IGlobals _globals;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly HashSet<string> _unresolvedSet = new(StringComparer.Ordinal);
    private readonly HashSet<string> _calledMacros = new(StringComparer.Ordinal);
    private MacroFrame? _frame;
    private long _steps;
    private long _iterations;
    private int _opaqueCount;

    public Interpreter(TemplateLimits limits, IGlobals globals, TimeProvider time)
    {
        Limits = limits;
        _globals = globals;
        _time = time;
        _start = time.GetTimestamp();
    }

    public TemplateLimits Limits { get; }

    /// <summary>Line of the model file being executed; inside macros, the model line that called them.</summary>
    public int ModelLine { get; set; } = 1;

    public int MacroDepth { get; private set; }

    /// <summary>Package whose macro is executing (for unqualified macro lookup); null in the model itself.</summary>
    public string? CurrentPackage { get; set; }

    public List<string> Unresolved { get; } = [];

    /// <summary>Why the render is partial (warehouse calls, unknown values), in order of first occurrence.</summary>
    public List<string> PartialReasons { get; } = [];

    public string? SnapshotName { get; private set; }

    /// <summary>Names of the macros this pass called, directly or through other macros: what a macro change reaches.</summary>
    public IReadOnlyCollection<string> CalledMacros => _calledMacros;

    public int OpaqueCount => _opaqueCount;

    public void RecordUnresolved(string name)
    {
        if (_unresolvedSet.Add(name))
        {
            Unresolved.Add(name);
        }
    }

    public void RecordPartial(string reason)
    {
        if (!PartialReasons.Contains(reason, StringComparer.Ordinal))
        {
            PartialReasons.Add(reason);
        }
    }

    public Opaque NewOpaque(string origin)
    {
        RecordPartial(origin);
        return new Opaque(++_opaqueCount, origin);
    }

    public void Render(TemplateAst template, Scope module, Output output)
    {
        foreach (var macro in template.Macros)
        {
            module.Vars[macro.Name] = new MacroValue(macro, CurrentPackage, module);
        }

        ExecBody(template.Body, module, output);
    }

    /// <summary>Renders a small template (a var holding Jinja) with the same context and limits.</summary>
    public string RenderInline(string source)
    {
        var savedLine = ModelLine;
        MacroDepth++;
        try
        {
            var ast = Parser.Parse(source, Limits.MaxNestingDepth);
            var output = new Output(false);
            ExecBody(ast.Body, new Scope(null), output);
            return output.Text.ToString();
        }
        finally
        {
            MacroDepth--;
            ModelLine = savedLine;
        }
    }

    private void Step(int line)
    {
        if (++_steps > Limits.MaxSteps)
        {
            throw TemplateException.Limit($"step limit ({Limits.MaxSteps})", line);
        }

        if ((_steps & 255) == 0 && _time.GetElapsedTime(_start) > Limits.MaxTime)
        {
            throw TemplateException.Limit($"time limit ({Limits.MaxTime.TotalSeconds:0.#} s)", line);
        }
    }

    public void CountIteration(int line)
    {
        if (++_iterations > Limits.MaxLoopIterations)
        {
            throw TemplateException.Limit($"loop iteration limit ({Limits.MaxLoopIterations})", line);
        }

        Step(line);
    }

    private static void EnsureStack(int line)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw TemplateException.Limit("nesting depth limit (stack)", line);
        }
    }

    public void ExecBody(IReadOnlyList<Node> body, Scope scope, Output output)
    {
        for (var i = 0; i < body.Count; i++)
        {
            if (_frame is { Returned: true })
            {
                return;
            }

            Exec(body[i], scope, output);
        }
    }

    private void Exec(Node node, Scope scope, Output output)
    {
        Step(node.Line);
        if (MacroDepth == 0)
        {
            ModelLine = node.Line;
        }

        switch (node)
        {
            case TextNode t:
                Write(output, t.Text, t.Line, true);
                break;
            case OutputNode o:
                WriteValue(output, Eval(o.Value, scope), o.Line);
                break;
            case IfNode i:
                EnsureStack(i.Line);
                foreach (var (condition, body) in i.Branches)
                {
                    if (PyOps.Truthy(Eval(condition, scope)))
                    {
                        ExecBody(body, scope, output);
                        return;
                    }
                }

                if (i.Else is not null)
                {
                    ExecBody(i.Else, scope, output);
                }

                break;
            case ForNode f:
                ExecFor(f, scope, output);
                break;
            case SetNode s:
            {
                var value = Eval(s.Value, scope);
                if (s.Targets.Count == 1)
                {
                    Assign(scope, s.Targets[0], value, s.Line);
                }
                else
                {
                    var items = Iterate(value, s.Line);
                    if (items.Count != s.Targets.Count)
                    {
                        throw TemplateException.Runtime($"cannot unpack {items.Count} values into {s.Targets.Count} names", s.Line);
                    }

                    for (var k = 0; k < items.Count; k++)
                    {
                        Assign(scope, s.Targets[k], items[k], s.Line);
                    }
                }

                break;
            }

            case SetBlockNode sb:
            {
                var captured = Capture(sb.Body, scope);
                object? value = captured;
                foreach (var filter in sb.Filters)
                {
                    value = Builtins.ApplyFilter(this, filter, value, scope);
                }

                Assign(scope, sb.Target, value, sb.Line);
                break;
            }

            case MacroNode m:
                scope.Vars[m.Name] = new MacroValue(m, CurrentPackage, scope);
                break;
            case CallBlockNode cb:
            {
                var caller = new MacroValue(cb.Caller, CurrentPackage, scope);
                WriteValue(output, EvalCall(cb.Call, scope, caller), cb.Line);
                break;
            }

            case DoNode d:
                Eval(d.Value, scope);
                break;
            case FilterBlockNode fb:
            {
                object? value = Capture(fb.Body, scope);
                foreach (var filter in fb.Filters)
                {
                    value = Builtins.ApplyFilter(this, filter, value, scope);
                }

                WriteValue(output, value, fb.Line);
                break;
            }

            case WithNode w:
            {
                var inner = new Scope(scope);
                foreach (var (name, expr) in w.Assignments)
                {
                    inner.Vars[name] = Eval(expr, scope);
                }

                ExecBody(w.Body, inner, output);
                break;
            }

            case SnapshotNode sn:
                SnapshotName ??= sn.Name;
                ExecBody(sn.Body, scope, output);
                break;
            default:
                throw TemplateException.Runtime($"cannot execute {node.GetType().Name}", node.Line);
        }
    }

    private string Capture(IReadOnlyList<Node> body, Scope scope)
    {
        var output = new Output(false);
        ExecBody(body, scope, output);
        return output.Text.ToString();
    }

    private void ExecFor(ForNode f, Scope scope, Output output)
    {
        EnsureStack(f.Line);
        var items = Iterate(Eval(f.Iterable, scope), f.Line);
        var loopScope = new Scope(scope);
        if (f.Filter is not null)
        {
            var kept = new List<object?>();
            foreach (var item in items)
            {
                CountIteration(f.Line);
                Bind(loopScope, f.Targets, item, f.Line);
                if (PyOps.Truthy(Eval(f.Filter, loopScope)))
                {
                    kept.Add(item);
                }
            }

            items = kept;
        }

        if (items.Count == 0)
        {
            if (f.Else is not null)
            {
                ExecBody(f.Else, scope, output);
            }

            return;
        }

        var loop = new LoopInfo(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            CountIteration(f.Line);

            // Jinja gives each iteration its own frame: a name set in the body starts from the outer value again.
            loopScope = new Scope(scope);
            loopScope.Vars["loop"] = loop;
            loop.Index0 = i;
            loop.HasPrevious = i > 0;
            loop.Previous = i > 0 ? items[i - 1] : null;
            loop.HasNext = i + 1 < items.Count;
            loop.NextItem = i + 1 < items.Count ? items[i + 1] : null;
            Bind(loopScope, f.Targets, items[i], f.Line);
            ExecBody(f.Body, loopScope, output);
            if (_frame is { Returned: true })
            {
                return;
            }
        }
    }

    private void Bind(Scope scope, IReadOnlyList<string> targets, object? item, int line)
    {
        if (targets.Count == 1)
        {
            scope.Vars[targets[0]] = item;
            return;
        }

        if (item is Opaque)
        {
            // `for key, value in unknown.items()`: every name is as unknown as the item.
            foreach (var target in targets)
            {
                scope.Vars[target] = item;
            }

            return;
        }

        var parts = Iterate(item, line);
        if (parts.Count != targets.Count)
        {
            throw TemplateException.Runtime($"cannot unpack {parts.Count} values into {targets.Count} loop variables", line);
        }

        for (var k = 0; k < targets.Count; k++)
        {
            scope.Vars[targets[k]] = parts[k];
        }
    }

    private static void Assign(Scope scope, SetTarget target, object? value, int line)
    {
        if (target.Attribute is null)
        {
            scope.Vars[target.Name] = value;
            return;
        }

        scope.TryGet(target.Name, out var holder);
        switch (holder)
        {
            case Namespace ns:
                ns.Values[target.Attribute] = value;
                break;
            case Dictionary<string, object?> d:
                d[target.Attribute] = value;
                break;
            default:
                throw TemplateException.Runtime($"cannot assign attribute '{target.Attribute}' of {PyOps.TypeName(holder)} '{target.Name}'", line);
        }
    }

    public void Write(Output output, string text, int line, bool countsNewlines)
    {
        if (text.Length == 0)
        {
            return;
        }

        if (output.Text.Length + (long)text.Length > Limits.MaxOutputChars)
        {
            throw TemplateException.Limit($"output size limit ({Limits.MaxOutputChars / (1024 * 1024)} MB)", line);
        }

        output.Map?.Add(new SourceSegment(output.Text.Length, line, countsNewlines));
        output.Text.Append(text);
    }

    private void WriteValue(Output output, object? value, int line)
    {
        var text = PyOps.ToStr(value);
        var offset = output.Text.Length;
        Write(output, text, line, false);
        if (output.Map is not null && value is ISpanObserver observer)
        {
            observer.Written(this, offset, text.Length);
        }
    }

    public List<object?> Iterate(object? value, int line) => value switch
    {
        List<object?> l => new List<object?>(l),
        Dictionary<string, object?> d => new List<object?>(d.Keys),
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        null or Undefined => [],

        // A warehouse result (run_query, get_column_values...) is iterated once, as one unknown item: the loop body
        // renders with placeholders, so the SQL around it keeps its shape (an empty loop can leave `not ()`).
        Opaque o => [o],
        Namespace ns => new List<object?>(ns.Values.Keys),
        IEnumerable<object?> e => e.ToList(),
        _ => throw TemplateException.Runtime($"{PyOps.TypeName(value)} is not iterable", line),
    };

    public object? Lookup(string name, Scope scope)
    {
        if (scope.TryGet(name, out var value))
        {
            return value;
        }

        if (_globals.TryResolve(this, name, out value))
        {
            return value;
        }

        return Builtins.Globals.TryGetValue(name, out var builtin) ? builtin : new Undefined(name);
    }

    public object? Eval(Expr expr, Scope scope)
    {
        EnsureStack(expr.Line);
        switch (expr)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr n:
                return Lookup(n.Name, scope);
            case ListExpr l:
            {
                var list = new List<object?>(l.Items.Count);
                foreach (var item in l.Items)
                {
                    list.Add(Eval(item, scope));
                }

                return list;
            }

            case DictExpr d:
            {
                var dict = new Dictionary<string, object?>(d.Items.Count, StringComparer.Ordinal);
                foreach (var (k, v) in d.Items)
                {
                    dict[PyOps.ToStr(Eval(k, scope))] = Eval(v, scope);
                }

                return dict;
            }

            case AttrExpr a:
                return GetAttr(Eval(a.Target, scope), a.Name);
            case SubscriptExpr s:
                return GetItem(Eval(s.Target, scope), Eval(s.Index, scope));
            case SliceExpr sl:
                return Slice(Eval(sl.Target, scope), sl.Start is null ? null : Eval(sl.Start, scope), sl.Stop is null ? null : Eval(sl.Stop, scope), sl.Step is null ? null : Eval(sl.Step, scope), sl.Line);
            case CallExpr call:
                return EvalCall(call, scope, null);
            case FilterExpr f:
                return Builtins.ApplyFilter(this, f.Filter, Eval(f.Target, scope), scope);
            case TestExpr t:
            {
                var args = new List<object?>(t.Args.Count);
                foreach (var a in t.Args)
                {
                    args.Add(Eval(a, scope));
                }

                return Builtins.Test(this, t.Name, Eval(t.Target, scope), args, t.Line) != t.Negated;
            }

            case UnaryExpr u:
            {
                var v = Eval(u.Operand, scope);
                return u.Op switch
                {
                    "not" => !PyOps.Truthy(v),
                    "-" => v switch
                    {
                        long x => -x,
                        double x => -x,
                        Opaque => v,
                        _ => throw TemplateException.Runtime($"bad operand type for unary -: {PyOps.TypeName(v)}", u.Line),
                    },
                    _ => v,
                };
            }

            case BinaryExpr b:
                return EvalBinary(b, scope);
            case CondExpr c:
                return PyOps.Truthy(Eval(c.Condition, scope)) ? Eval(c.Then, scope) : c.Else is null ? new Undefined("else") : Eval(c.Else, scope);
            default:
                throw TemplateException.Runtime($"cannot evaluate {expr.GetType().Name}", expr.Line);
        }
    }

    private object? EvalBinary(BinaryExpr b, Scope scope)
    {
        switch (b.Op)
        {
            case "and":
            {
                var left = Eval(b.Left, scope);
                return PyOps.Truthy(left) ? Eval(b.Right, scope) : left;
            }

            case "or":
            {
                var left = Eval(b.Left, scope);
                return PyOps.Truthy(left) ? left : Eval(b.Right, scope);
            }
        }

        var l = Eval(b.Left, scope);
        var r = Eval(b.Right, scope);
        return b.Op switch
        {
            "~" => PyOps.ToStr(l is Undefined ? string.Empty : l) + PyOps.ToStr(r is Undefined ? string.Empty : r),
            "==" => PyOps.Equals(l, r),
            "!=" => !PyOps.Equals(l, r),
            "<" => l is Opaque || r is Opaque ? false : PyOps.Compare(l, r, b.Line) < 0,
            "<=" => l is Opaque || r is Opaque ? false : PyOps.Compare(l, r, b.Line) <= 0,
            ">" => l is Opaque || r is Opaque ? false : PyOps.Compare(l, r, b.Line) > 0,
            ">=" => l is Opaque || r is Opaque ? false : PyOps.Compare(l, r, b.Line) >= 0,
            "in" => PyOps.Contains(r, l),
            "not in" => !PyOps.Contains(r, l),
            _ => PyOps.Arithmetic(b.Op, l, r, b.Line),
        };
    }

    private object? EvalCall(CallExpr call, Scope scope, MacroValue? caller)
    {
        var callee = Eval(call.Callee, scope);
        var positional = new List<object?>(call.Args.Count);
        foreach (var a in call.Args)
        {
            positional.Add(Eval(a, scope));
        }

        if (call.StarArgs is not null)
        {
            positional.AddRange(Iterate(Eval(call.StarArgs, scope), call.Line));
        }

        var named = call.Kwargs.Count == 0 && call.StarKwargs is null ? CallArgs.NoNamed : new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in call.Kwargs)
        {
            named[name] = Eval(value, scope);
        }

        if (call.StarKwargs is not null && Eval(call.StarKwargs, scope) is Dictionary<string, object?> extra)
        {
            foreach (var (k, v) in extra)
            {
                named[k] = v;
            }
        }

        Dictionary<string, int>? namedLines = null;
        if (MacroDepth == 0)
        {
            ModelLine = call.Line;

            // A keyword argument of a multi-line call (config(...) over many lines) keeps the line it was written on.
            if (call.Kwargs.Count > 0)
            {
                namedLines = new Dictionary<string, int>(call.Kwargs.Count, StringComparer.Ordinal);
                foreach (var (name, value) in call.Kwargs)
                {
                    namedLines[name] = value.Line;
                }
            }
        }

        return Call(callee, new CallArgs(positional, named, call.Line) { Caller = caller, NamedLines = namedLines }, call.Callee);
    }

    private static string Describe(Expr expr) => expr switch
    {
        NameExpr n => n.Name,
        AttrExpr a => Describe(a.Target) + "." + a.Name,
        _ => "expression",
    };

    public object? Call(object? callee, CallArgs args, Expr? calleeExpr = null)
    {
        switch (callee)
        {
            case MacroValue m:
                return CallMacro(m, args);
            case NativeFunction f:
                return f.Invoke(this, args);
            case BoundMethod bm:
                return Builtins.CallMethod(this, bm, args);
            case IJinjaCallable c:
                return c.Call(this, args);
            case Undefined u:
                RecordUnresolved(u.Name);
                return NewOpaque(u.Name);
            case Opaque o:
                return o;
            default:
                throw TemplateException.Runtime($"'{(calleeExpr is null ? PyOps.TypeName(callee) : Describe(calleeExpr))}' is not callable", args.Line);
        }
    }

    public object? CallMacro(MacroValue macro, CallArgs args)
    {
        if (MacroDepth >= Limits.MaxMacroCallDepth)
        {
            throw TemplateException.Limit($"macro call depth limit ({Limits.MaxMacroCallDepth})", args.Line);
        }

        EnsureStack(args.Line);
        _calledMacros.Add(macro.Node.Name);
        var scope = new Scope(macro.Closure);
        var parameters = macro.Node.Parameters;
        var savedPackage = CurrentPackage;
        var savedFrame = _frame;
        MacroDepth++;
        CurrentPackage = macro.Package;
        _frame = new MacroFrame();
        try
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                if (i < args.Positional.Count)
                {
                    scope.Vars[p.Name] = args.Positional[i];
                }
                else if (args.Named.TryGetValue(p.Name, out var v))
                {
                    scope.Vars[p.Name] = v;
                }
                else
                {
                    scope.Vars[p.Name] = p.Default is null ? new Undefined(p.Name) : Eval(p.Default, scope);
                }
            }

            var varargs = new List<object?>();
            for (var i = parameters.Count; i < args.Positional.Count; i++)
            {
                varargs.Add(args.Positional[i]);
            }

            var kwargs = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in args.Named)
            {
                if (!parameters.Any(p => string.Equals(p.Name, k, StringComparison.Ordinal)))
                {
                    kwargs[k] = v;
                }
            }

            scope.Vars["varargs"] = varargs;
            scope.Vars["kwargs"] = kwargs;
            if (args.Caller is not null)
            {
                scope.Vars["caller"] = args.Caller;
            }

            var output = new Output(false);
            ExecBody(macro.Node.Body, scope, output);
            return _frame.Returned ? _frame.Value : output.Text.ToString();
        }
        catch (TemplateException e)
        {
            // Not an exception filter: filters run before the inner frames' finally blocks restore MacroDepth.
            if (MacroDepth == 1 && !e.InModel)
            {
                throw new TemplateException(e.Kind, $"{e.Message} (in macro '{macro.Node.Name}' at its line {e.Line})", args.Line) { InModel = true };
            }

            throw;
        }
        finally
        {
            _frame = savedFrame;
            CurrentPackage = savedPackage;
            MacroDepth--;
        }
    }

    /// <summary><c>return(value)</c>: ends the current macro with a value instead of its text.</summary>
    public void Return(object? value)
    {
        if (_frame is not null)
        {
            _frame.Returned = true;
            _frame.Value = value;
        }
    }

    public object? GetAttr(object? target, string name)
    {
        switch (target)
        {
            case null:
                return new Undefined(name);
            case Undefined u:
                return new Undefined(u.Name + "." + name);
            case Opaque:
                return target;
            case IJinjaObject o:
                return o.GetAttribute(this, name);
            case Dictionary<string, object?> d:
                if (Builtins.IsDictMethod(name))
                {
                    return new BoundMethod(d, name);
                }

                return d.TryGetValue(name, out var v) ? v : new Undefined(name);
            case string s:
                return Builtins.IsStringMethod(name) ? new BoundMethod(s, name) : new Undefined(name);
            case List<object?> l:
                return Builtins.IsListMethod(name) ? new BoundMethod(l, name) : new Undefined(name);
            case MacroValue m when name == "name":
                return m.Node.Name;
            default:
                return new Undefined(name);
        }
    }

    public object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Dictionary<string, object?> d:
                return key is not null && d.TryGetValue(PyOps.ToStr(key), out var v) ? v : new Undefined(PyOps.ToStr(key));
            case List<object?> l when key is long or int:
            {
                var i = Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture);
                if (i < 0)
                {
                    i += l.Count;
                }

                return i >= 0 && i < l.Count ? l[(int)i] : new Undefined($"[{key}]");
            }

            case string s when key is long or int:
            {
                var i = Convert.ToInt64(key, System.Globalization.CultureInfo.InvariantCulture);
                if (i < 0)
                {
                    i += s.Length;
                }

                return i >= 0 && i < s.Length ? s[(int)i].ToString() : new Undefined($"[{key}]");
            }

            case Opaque:
                return target;
            case Undefined u:
                return new Undefined($"{u.Name}[{PyOps.ToStr(key)}]");
            case IMapping m when key is string k && m.TryGetItem(k, out var item):
                return item;
            case IJinjaObject o when key is string name:
                return o.GetAttribute(this, name);
            default:
                return new Undefined(PyOps.ToStr(key));
        }
    }

    private static object? Slice(object? target, object? start, object? stop, object? step, int line)
    {
        var stepValue = step is long st ? st : 1;
        if (stepValue == 0)
        {
            throw TemplateException.Runtime("slice step cannot be zero", line);
        }

        List<object?> items;
        bool isString;
        switch (target)
        {
            case string s:
                items = s.Select(c => (object?)c.ToString()).ToList();
                isString = true;
                break;
            case List<object?> l:
                items = l;
                isString = false;
                break;
            case Opaque:
                return target;
            default:
                return new Undefined("slice");
        }

        var n = items.Count;
        long Norm(object? v, long fallback) => v is long x ? (x < 0 ? Math.Max(x + n, stepValue > 0 ? 0 : -1) : Math.Min(x, stepValue > 0 ? n : n - 1)) : fallback;
        var from = Norm(start, stepValue > 0 ? 0 : n - 1);
        var to = Norm(stop, stepValue > 0 ? n : -1);
        var result = new List<object?>();
        for (var i = from; stepValue > 0 ? i < to : i > to; i += stepValue)
        {
            result.Add(items[(int)i]);
        }

        return isString ? string.Concat(result.Select(r => (string)r!)) : result;
    }

    private sealed class MacroFrame
    {
        public bool Returned { get; set; }

        public object? Value { get; set; }
    }
}
