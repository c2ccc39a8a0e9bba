namespace ReviewBot.Dbt.Jinja;

/// <summary>Why a template could not be parsed or rendered.</summary>
public enum TemplateErrorKind
{
    /// <summary>The template text is not valid Jinja.</summary>
    Syntax,

    /// <summary>The template raised an error while rendering (e.g. <c>exceptions.raise_compiler_error</c>).</summary>
    Runtime,

    /// <summary>A bound was reached (nesting depth, macro call depth, loop iterations, output size, time).</summary>
    Limit,
}

/// <summary>
/// Raised inside the engine; never escapes the public rendering API, which turns it into a "not rendered" result.
/// </summary>
internal sealed class TemplateException(TemplateErrorKind kind, string message, int line) : Exception(message)
{
    public TemplateErrorKind Kind { get; } = kind;

    public int Line { get; set; } = line;

    /// <summary>True once <see cref="Line"/> points at the model line that called the macro where the error arose.</summary>
    public bool InModel { get; init; }

    public static TemplateException Syntax(string message, int line) => new(TemplateErrorKind.Syntax, message, line);

    public static TemplateException Runtime(string message, int line) => new(TemplateErrorKind.Runtime, message, line);

    public static TemplateException Limit(string message, int line) => new(TemplateErrorKind.Limit, message, line);
}
