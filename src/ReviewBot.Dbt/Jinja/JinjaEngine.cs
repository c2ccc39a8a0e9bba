namespace ReviewBot.Dbt.Jinja;

/// <summary>The outcome of rendering a plain template: the text, or the error that stopped it.</summary>
internal sealed record JinjaResult(string? Text, TemplateErrorKind? ErrorKind, string? Error, int ErrorLine, IReadOnlyList<string> Unresolved);

/// <summary>Plain Jinja rendering (no dbt context). Never throws.</summary>
internal static class JinjaEngine
{
    private sealed class DictionaryGlobals(IReadOnlyDictionary<string, object?> values) : IGlobals
    {
        public bool TryResolve(Interpreter interpreter, string name, out object? value) => values.TryGetValue(name, out value);
    }

    public static JinjaResult Render(string source, IReadOnlyDictionary<string, object?>? variables = null, TemplateLimits? limits = null, TimeProvider? time = null)
    {
        limits ??= new TemplateLimits();
        var interpreter = new Interpreter(limits, new DictionaryGlobals(variables ?? new Dictionary<string, object?>()), time ?? TimeProvider.System);
        try
        {
            if (source.Length > limits.MaxSourceChars)
            {
                throw TemplateException.Limit($"source size limit ({limits.MaxSourceChars / (1024 * 1024)} MB)", 1);
            }

            var ast = Parser.Parse(source, limits.MaxNestingDepth);
            var output = new Output(false);
            interpreter.Render(ast, new Scope(null), output);
            return new JinjaResult(output.Text.ToString(), null, null, 0, interpreter.Unresolved);
        }
        catch (TemplateException e)
        {
            return new JinjaResult(null, e.Kind, e.Message, e.Line, interpreter.Unresolved);
        }
        catch (Exception e) when (e is InsufficientExecutionStackException or InvalidCastException or ArgumentException or InvalidOperationException or OverflowException or FormatException or IndexOutOfRangeException or OutOfMemoryException)
        {
            return new JinjaResult(null, TemplateErrorKind.Runtime, e.GetType().Name + ": " + e.Message, interpreter.ModelLine, interpreter.Unresolved);
        }
    }
}
