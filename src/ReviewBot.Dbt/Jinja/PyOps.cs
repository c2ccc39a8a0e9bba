using System.Globalization;
using System.Text;

namespace ReviewBot.Dbt.Jinja;

/// <summary>Python value semantics the templates rely on: truth, equality, ordering, arithmetic and str()/repr().</summary>
internal static class PyOps
{
    public static bool IsNumber(object? v) => v is long or double or int;

    public static bool IsString(object? v) => v is string;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        Dictionary<string, object?> d => d.Count > 0,
        Undefined or Opaque => false,
        _ => true,
    };

    public static string ToStr(object? v) => v switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        List<object?> or Dictionary<string, object?> => Repr(v),
        _ => v.ToString() ?? string.Empty,
    };

    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        var s = d.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E', StringComparison.Ordinal))
        {
            s = s.Replace("E", "e", StringComparison.Ordinal);
            return s;
        }

        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    public static string Repr(object? v)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v, 0);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? v, int depth)
    {
        if (depth > 64)
        {
            sb.Append("...");
            return;
        }

        switch (v)
        {
            case string s:
                var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
                sb.Append(quote);
                foreach (var c in s)
                {
                    switch (c)
                    {
                        case '\\': sb.Append("\\\\"); break;
                        case '\n': sb.Append("\\n"); break;
                        case '\t': sb.Append("\\t"); break;
                        case '\r': sb.Append("\\r"); break;
                        default:
                            if (c == quote)
                            {
                                sb.Append('\\');
                            }

                            sb.Append(c);
                            break;
                    }
                }

                sb.Append(quote);
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendRepr(sb, list[i], depth + 1);
                }

                sb.Append(']');
                break;
            case Dictionary<string, object?> dict:
                sb.Append('{');
                var first = true;
                foreach (var (k, val) in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendRepr(sb, k, depth + 1);
                    sb.Append(": ");
                    AppendRepr(sb, val, depth + 1);
                }

                sb.Append('}');
                break;
            default:
                sb.Append(ToStr(v));
                break;
        }
    }

    public static new bool Equals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool))
        {
            return ToDouble(a) == ToDouble(b);
        }

        if (a is string sa && b is string sb)
        {
            return string.Equals(sa, sb, StringComparison.Ordinal);
        }

        if (a is List<object?> la && b is List<object?> lb)
        {
            if (la.Count != lb.Count)
            {
                return false;
            }

            for (var i = 0; i < la.Count; i++)
            {
                if (!Equals(la[i], lb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        if (a is Dictionary<string, object?> da && b is Dictionary<string, object?> db)
        {
            return da.Count == db.Count && da.All(kv => db.TryGetValue(kv.Key, out var o) && Equals(kv.Value, o));
        }

        return a.Equals(b);
    }

    public static int Compare(object? a, object? b, int line)
    {
        if ((IsNumber(a) || a is bool) && (IsNumber(b) || b is bool))
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }

        if (a is string sa && b is string sb)
        {
            return string.CompareOrdinal(sa, sb);
        }

        if (a is List<object?> la && b is List<object?> lb)
        {
            for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                var c = Compare(la[i], lb[i], line);
                if (c != 0)
                {
                    return c;
                }
            }

            return la.Count.CompareTo(lb.Count);
        }

        throw TemplateException.Runtime($"cannot compare {TypeName(a)} with {TypeName(b)}", line);
    }

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : s.Contains(ToStr(item), StringComparison.Ordinal),
        List<object?> l => l.Exists(x => Equals(x, item)),
        Dictionary<string, object?> d => item is not null && d.ContainsKey(ToStr(item)),
        Namespace ns => item is string k && ns.Values.ContainsKey(k),
        _ => false,
    };

    public static string TypeName(object? v) => v switch
    {
        null => "none",
        string => "string",
        bool => "boolean",
        long or int => "integer",
        double => "float",
        List<object?> => "list",
        Dictionary<string, object?> => "dict",
        Undefined u => $"undefined '{u.Name}'",
        _ => v.GetType().Name,
    };

    public static object? Arithmetic(string op, object? a, object? b, int line)
    {
        if (a is Opaque)
        {
            return a;
        }

        if (b is Opaque)
        {
            return b;
        }

        if (a is bool ab)
        {
            a = ab ? 1L : 0L;
        }

        if (b is bool bb)
        {
            b = bb ? 1L : 0L;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is long x && b is long y)
            {
                switch (op)
                {
                    case "+": return x + y;
                    case "-": return x - y;
                    case "*": return x * y;
                    case "//":
                        if (y == 0)
                        {
                            throw TemplateException.Runtime("integer division by zero", line);
                        }

                        return (long)Math.Floor((double)x / y);
                    case "%":
                        if (y == 0)
                        {
                            throw TemplateException.Runtime("modulo by zero", line);
                        }

                        return ((x % y) + y) % y;
                    case "**" when y >= 0: return (long)Math.Pow(x, y);
                }
            }

            var dx = ToDouble(a);
            var dy = ToDouble(b);
            switch (op)
            {
                case "+": return dx + dy;
                case "-": return dx - dy;
                case "*": return dx * dy;
                case "/":
                    if (dy == 0)
                    {
                        throw TemplateException.Runtime("division by zero", line);
                    }

                    return dx / dy;
                case "//": return dy == 0 ? throw TemplateException.Runtime("division by zero", line) : Math.Floor(dx / dy);
                case "%": return dy == 0 ? throw TemplateException.Runtime("modulo by zero", line) : dx - (dy * Math.Floor(dx / dy));
                case "**": return Math.Pow(dx, dy);
            }
        }

        switch (op)
        {
            case "+" when a is string sa && b is string sb:
                return sa + sb;
            case "+" when a is List<object?> la && b is List<object?> lb:
                return new List<object?>(la.Concat(lb));
            case "*" when a is string s && b is long n:
                return n <= 0 ? string.Empty : RepeatString(s, n, line);
            case "*" when a is long n2 && b is string s2:
                return n2 <= 0 ? string.Empty : RepeatString(s2, n2, line);
            case "*" when a is List<object?> l && b is long times:
                var result = new List<object?>();
                for (var i = 0; i < times && result.Count < 1_000_000; i++)
                {
                    result.AddRange(l);
                }

                return result;
            case "%" when a is string format:
                return Formatting.Percent(format, b, line);
        }

        throw TemplateException.Runtime($"unsupported operand types for {op}: {TypeName(a)} and {TypeName(b)}", line);
    }

    private static string RepeatString(string s, long n, int line)
    {
        if ((long)s.Length * n > 16 * 1024 * 1024)
        {
            throw TemplateException.Limit("output size limit (string repetition)", line);
        }

        return new StringBuilder(s.Length * (int)n).Insert(0, s, (int)n).ToString();
    }
}
