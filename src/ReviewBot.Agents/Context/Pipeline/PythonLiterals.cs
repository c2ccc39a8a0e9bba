namespace ReviewBot.Agents.Context.Pipeline;

/// <summary>Python string literals as the pipeline rules read them (SQL built in code, Alembic/Django migrations).</summary>
internal static class PythonLiterals
{
    /// <summary>
    /// The index just past the literal opened at <paramref name="start"/> by <paramref name="quote"/> (three of them
    /// when <paramref name="triple"/>), skipping backslash escapes; the text's end when it never closes.
    /// </summary>
    public static int End(string text, int start, char quote, bool triple)
    {
        var i = start + (triple ? 3 : 1);
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (text[i] == quote && (!triple || (i + 2 < text.Length && text[i + 1] == quote && text[i + 2] == quote)))
            {
                return i + (triple ? 3 : 1);
            }

            i++;
        }

        return text.Length;
    }
}
