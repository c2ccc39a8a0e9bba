using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ReviewBot.Dbt.Jinja;

/// <summary>Python's <c>%</c> formatting, <c>str.format</c> and <c>tojson</c>, to the extent dbt code uses them.</summary>
internal static class Formatting
{
    public static string Percent(string format, object? args, int line)
    {
        var values = args is List<object?> l ? l : [args];
        var dict = args as Dictionary<string, object?>;
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= format.Length)
            {
                throw TemplateException.Runtime("incomplete format", line);
            }

            if (format[i] == '%')
            {
                sb.Append('%');
                continue;
            }

            object? value;
            if (format[i] == '(' && dict is not null)
            {
                var close = format.IndexOf(')', i);
                if (close < 0)
                {
                    throw TemplateException.Runtime("incomplete format key", line);
                }

                value = dict.TryGetValue(format[(i + 1)..close], out var dv) ? dv : null;
                i = close + 1;
            }
            else
            {
                value = next < values.Count ? values[next++] : throw TemplateException.Runtime("not enough arguments for format string", line);
            }

            var specStart = i;
            while (i < format.Length && "-+ #0123456789.".Contains(format[i], StringComparison.Ordinal))
            {
                i++;
            }

            if (i >= format.Length)
            {
                throw TemplateException.Runtime("incomplete format", line);
            }

            var spec = format[specStart..i];
            sb.Append(FormatOne(format[i], spec, value, line));
        }

        return sb.ToString();
    }

    private static string FormatOne(char conversion, string spec, object? value, int line)
    {
        var precision = -1;
        var dot = spec.IndexOf('.', StringComparison.Ordinal);
        var widthText = dot >= 0 ? spec[..dot] : spec;
        if (dot >= 0)
        {
            _ = int.TryParse(spec[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out precision);
        }

        var left = widthText.Contains('-', StringComparison.Ordinal);
        var zero = widthText.StartsWith('0');
        _ = int.TryParse(widthText.TrimStart('-', '+', ' ', '#', '0'), NumberStyles.None, CultureInfo.InvariantCulture, out var width);
        var text = conversion switch
        {
            's' => PyOps.ToStr(value),
            'r' => PyOps.Repr(value),
            'd' or 'i' => PyOps.IsNumber(value) || value is bool ? ((long)Math.Truncate(PyOps.ToDouble(value))).ToString(CultureInfo.InvariantCulture) : throw TemplateException.Runtime("%d format: a number is required", line),
            'f' or 'F' => PyOps.IsNumber(value) ? PyOps.ToDouble(value).ToString("F" + (precision < 0 ? 6 : precision), CultureInfo.InvariantCulture) : throw TemplateException.Runtime("%f format: a number is required", line),
            _ => throw TemplateException.Runtime($"unsupported format character '{conversion}'", line),
        };
        if (conversion == 's' && precision >= 0 && text.Length > precision)
        {
            text = text[..precision];
        }

        return text.Length >= width ? text : left ? text.PadRight(width) : text.PadLeft(width, zero && conversion != 's' ? '0' : ' ');
    }

    public static string StrFormat(string format, CallArgs args)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '{')
            {
                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    sb.Append('{');
                    i++;
                    continue;
                }

                var close = format.IndexOf('}', i);
                if (close < 0)
                {
                    throw TemplateException.Runtime("single '{' in format string", args.Line);
                }

                var field = format[(i + 1)..close];
                var colon = field.IndexOf(':', StringComparison.Ordinal);
                var spec = colon >= 0 ? field[(colon + 1)..] : string.Empty;
                var key = colon >= 0 ? field[..colon] : field;
                object? value;
                if (key.Length == 0)
                {
                    value = auto < args.Positional.Count ? args.Positional[auto++] : throw TemplateException.Runtime("format: not enough arguments", args.Line);
                }
                else if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    value = index < args.Positional.Count ? args.Positional[index] : throw TemplateException.Runtime("format: index out of range", args.Line);
                }
                else
                {
                    value = args.Named.TryGetValue(key, out var v) ? v : throw TemplateException.Runtime($"format: missing key '{key}'", args.Line);
                }

                if (spec.Length > 0 && spec[^1] == 'f' && PyOps.IsNumber(value))
                {
                    var p = spec.Length > 2 && spec[0] == '.' && int.TryParse(spec[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var prec) ? prec : 6;
                    sb.Append(PyOps.ToDouble(value).ToString("F" + p, CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(PyOps.ToStr(value));
                }

                i = close;
            }
            else if (c == '}' && i + 1 < format.Length && format[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    public static string ToJson(object? value, bool sortKeys)
    {
        var sb = new StringBuilder();
        WriteJson(sb, value, sortKeys, 0);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, object? v, bool sortKeys, int depth)
    {
        if (depth > 128)
        {
            throw TemplateException.Limit("nesting depth limit (tojson)", 0);
        }

        switch (v)
        {
            case null or Undefined: sb.Append("null"); break;
            case bool b: sb.Append(b ? "true" : "false"); break;
            case long or int or double: sb.Append(PyOps.ToStr(v)); break;
            case string s: sb.Append(JsonSerializer.Serialize(s)); break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    WriteJson(sb, list[i], sortKeys, depth + 1);
                }

                sb.Append(']');
                break;
            case Dictionary<string, object?> dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, item) in sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, object?>>)dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    sb.Append(JsonSerializer.Serialize(k)).Append(": ");
                    WriteJson(sb, item, sortKeys, depth + 1);
                }

                sb.Append('}');
                break;
            default: sb.Append(JsonSerializer.Serialize(PyOps.ToStr(v))); break;
        }
    }
}
