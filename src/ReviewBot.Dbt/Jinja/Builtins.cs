using System.Globalization;
using System.Text;

namespace ReviewBot.Dbt.Jinja;

/// <summary>Jinja's filters, tests and globals, and the str/list/dict methods dbt code calls.</summary>
internal static class Builtins
{
    private static readonly HashSet<string> StringMethods =
    [
        "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "replace", "format", "join",
        "title", "capitalize", "find", "rfind", "index", "count", "isdigit", "isalpha", "isalnum", "isupper", "islower", "isspace",
        "zfill", "partition", "splitlines", "ljust", "rjust", "center", "casefold", "removeprefix", "removesuffix", "swapcase",
    ];

    private static readonly HashSet<string> ListMethods = ["append", "extend", "insert", "pop", "index", "count", "remove", "reverse", "sort", "copy", "clear"];

    private static readonly HashSet<string> DictMethods = ["items", "keys", "values", "get", "update", "pop", "setdefault", "copy", "clear"];

    public static bool IsStringMethod(string name) => StringMethods.Contains(name);

    public static bool IsListMethod(string name) => ListMethods.Contains(name);

    public static bool IsDictMethod(string name) => DictMethods.Contains(name);

    public static readonly Dictionary<string, object?> Globals = new(StringComparer.Ordinal)
    {
        ["range"] = new NativeFunction("range", Range),
        ["return"] = new NativeFunction("return", (i, a) =>
        {
            i.Return(a.Positional.Count > 0 ? a.Positional[0] : null);
            return string.Empty;
        }),
        ["dict"] = new NativeFunction("dict", (_, a) =>
        {
            var d = a.Positional.Count > 0 && a.Positional[0] is Dictionary<string, object?> src ? new Dictionary<string, object?>(src, StringComparer.Ordinal) : new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in a.Named)
            {
                d[k] = v;
            }

            return d;
        }),
        ["namespace"] = new NativeFunction("namespace", (_, a) =>
        {
            var ns = new Namespace();
            if (a.Positional.Count > 0 && a.Positional[0] is Dictionary<string, object?> src)
            {
                foreach (var (k, v) in src)
                {
                    ns.Values[k] = v;
                }
            }

            foreach (var (k, v) in a.Named)
            {
                ns.Values[k] = v;
            }

            return ns;
        }),
        ["joiner"] = new NativeFunction("joiner", (_, a) =>
        {
            var sep = a.Positional.Count > 0 ? PyOps.ToStr(a.Positional[0]) : ", ";
            var used = false;
            return new NativeFunction("joiner", (_, _) =>
            {
                if (!used)
                {
                    used = true;
                    return string.Empty;
                }

                return sep;
            });
        }),
    };

    private static List<object?> Range(Interpreter interp, CallArgs a)
    {
        long start = 0, stop, step = 1;
        var nums = a.Positional.Select(p => p is long l ? l : p is double d ? (long)d : throw TemplateException.Runtime($"range() needs integers, got {PyOps.TypeName(p)}", a.Line)).ToList();
        switch (nums.Count)
        {
            case 1: stop = nums[0]; break;
            case 2: start = nums[0]; stop = nums[1]; break;
            case 3: start = nums[0]; stop = nums[1]; step = nums[2]; break;
            default: throw TemplateException.Runtime("range() takes 1 to 3 arguments", a.Line);
        }

        if (step == 0)
        {
            throw TemplateException.Runtime("range() step must not be zero", a.Line);
        }

        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            interp.CountIteration(a.Line);
            result.Add(i);
        }

        return result;
    }

    private static object? Attribute(Interpreter interp, object? item, string attribute)
    {
        foreach (var part in attribute.Split('.'))
        {
            item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && item is List<object?>
                ? interp.GetItem(item, index)
                : item is Dictionary<string, object?> d ? (d.TryGetValue(part, out var v) ? v : new Undefined(part)) : interp.GetAttr(item, part);
        }

        return item;
    }

    public static object? ApplyFilter(Interpreter interp, FilterCall filter, object? value, Scope scope)
    {
        var args = new List<object?>(filter.Args.Count);
        foreach (var a in filter.Args)
        {
            args.Add(interp.Eval(a, scope));
        }

        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in filter.Kwargs)
        {
            named[k] = interp.Eval(v, scope);
        }

        return Filter(interp, filter.Name, value, new CallArgs(args, named, filter.Line));
    }

    public static object? Filter(Interpreter interp, string name, object? value, CallArgs a)
    {
        var line = a.Line;
        if (value is Opaque && name is not ("default" or "d" or "string" or "length" or "count" or "list" or "tojson" or "trim" or "lower" or "upper"))
        {
            return value;
        }

        switch (name)
        {
            case "lower": return Str(value).ToLowerInvariant();
            case "upper": return Str(value).ToUpperInvariant();
            case "capitalize": return Capitalize(Str(value));
            case "title": return Title(Str(value));
            case "trim" or "strip": return a.Positional.Count > 0 ? Str(value).Trim(Str(a.Positional[0]).ToCharArray()) : Str(value).Trim();
            case "replace":
            {
                var s = Str(value);
                var old = Str(a.Get(0, "old"));
                var @new = Str(a.Get(1, "new"));
                if (a.Get(2, "count") is long count)
                {
                    return ReplaceCount(s, old, @new, count);
                }

                return old.Length == 0 ? s : s.Replace(old, @new, StringComparison.Ordinal);
            }

            case "join":
            {
                var sep = Str(a.Get(0, "d", string.Empty));
                var attribute = a.Get(1, "attribute") as string;
                var items = interp.Iterate(value, line);
                return string.Join(sep, items.Select(i => PyOps.ToStr(attribute is null ? i : Attribute(interp, i, attribute))));
            }

            case "default" or "d":
            {
                var fallback = a.Get(0, "default_value", string.Empty);
                var boolean = PyOps.Truthy(a.Get(1, "boolean", false));
                return value is Undefined || (boolean && !PyOps.Truthy(value)) ? fallback : value;
            }

            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    List<object?> l => (long)l.Count,
                    Dictionary<string, object?> d => (long)d.Count,
                    Undefined or Opaque or null => 0L,
                    _ => (long)interp.Iterate(value, line).Count,
                };
            case "list": return interp.Iterate(value, line);
            case "first":
            {
                var items = interp.Iterate(value, line);
                return items.Count > 0 ? items[0] : new Undefined("first");
            }

            case "last":
            {
                var items = interp.Iterate(value, line);
                return items.Count > 0 ? items[^1] : new Undefined("last");
            }

            case "reverse":
                if (value is string rs)
                {
                    var chars = rs.ToCharArray();
                    Array.Reverse(chars);
                    return new string(chars);
                }

                var rev = interp.Iterate(value, line);
                rev.Reverse();
                return rev;
            case "int": return ToInt(value, a.Get(0, "default", 0L));
            case "float": return ToFloat(value, a.Get(0, "default", 0.0));
            case "string": return PyOps.ToStr(value is Undefined ? string.Empty : value);
            case "abs": return value is long l2 ? Math.Abs(l2) : value is double d2 ? Math.Abs(d2) : value;
            case "round":
            {
                var precision = a.Get(0, "precision", 0L) is long p ? (int)p : 0;
                var method = Str(a.Get(1, "method", "common"));
                var x = PyOps.ToDouble(value);
                var factor = Math.Pow(10, precision);
                return method switch
                {
                    "ceil" => Math.Ceiling(x * factor) / factor,
                    "floor" => Math.Floor(x * factor) / factor,
                    _ => Math.Round(x, precision, MidpointRounding.AwayFromZero),
                };
            }

            case "tojson":
                return Formatting.ToJson(value, false);
            case "format":
                return Formatting.Percent(Str(value), a.Positional.Count == 1 ? a.Positional[0] : (object?)a.Positional, line);
            case "unique":
            {
                var attribute = a.Get(1, "attribute") as string;
                var result = new List<object?>();
                var seen = new List<object?>();
                foreach (var item in interp.Iterate(value, line))
                {
                    var key = attribute is null ? item : Attribute(interp, item, attribute);
                    if (key is string ks && !PyOps.Truthy(a.Get(0, "case_sensitive", false)))
                    {
                        key = ks.ToLowerInvariant();
                    }

                    if (!seen.Exists(s => PyOps.Equals(s, key)))
                    {
                        seen.Add(key);
                        result.Add(item);
                    }
                }

                return result;
            }

            case "sort":
            {
                var reverse = PyOps.Truthy(a.Get(0, "reverse", false));
                var caseSensitive = PyOps.Truthy(a.Get(1, "case_sensitive", false));
                var attribute = a.Get(2, "attribute") as string;
                var items = interp.Iterate(value, line);
                object? Key(object? i)
                {
                    var k = attribute is null ? i : Attribute(interp, i, attribute);
                    return k is string s && !caseSensitive ? s.ToLowerInvariant() : k;
                }

                var sorted = items.Select((item, index) => (item, index)).ToList();
                sorted.Sort((x, y) =>
                {
                    var c = PyOps.Compare(Key(x.item), Key(y.item), line);
                    return c != 0 ? (reverse ? -c : c) : x.index.CompareTo(y.index);
                });
                return sorted.Select(s => s.item).ToList();
            }

            case "dictsort":
                if (value is Dictionary<string, object?> ds)
                {
                    return ds.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList();
                }

                return new List<object?>();
            case "items":
                return value is Dictionary<string, object?> di ? di.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList() : new List<object?>();
            case "map":
            {
                var items = interp.Iterate(value, line);
                if (a.Named.TryGetValue("attribute", out var attr))
                {
                    var fallback = a.Named.TryGetValue("default", out var dv) ? dv : null;
                    return items.Select(i =>
                    {
                        var v = Attribute(interp, i, Str(attr));
                        return v is Undefined && a.Named.ContainsKey("default") ? fallback : v;
                    }).ToList();
                }

                if (a.Positional.Count == 0)
                {
                    return items;
                }

                var filterName = Str(a.Positional[0]);
                var rest = new CallArgs(a.Positional.Skip(1).ToList(), a.Named, line);
                return items.Select(i => Filter(interp, filterName, i, rest)).ToList();
            }

            case "select" or "reject":
            {
                var keep = name == "select";
                var items = interp.Iterate(value, line);
                if (a.Positional.Count == 0)
                {
                    return items.Where(i => PyOps.Truthy(i) == keep).ToList();
                }

                var test = Str(a.Positional[0]);
                var testArgs = a.Positional.Skip(1).ToList();
                return items.Where(i => Test(interp, test, i, testArgs, line) == keep).ToList();
            }

            case "selectattr" or "rejectattr":
            {
                var keep = name == "selectattr";
                var items = interp.Iterate(value, line);
                var attribute = Str(a.Get(0, "attribute"));
                if (a.Positional.Count < 2)
                {
                    return items.Where(i => PyOps.Truthy(Attribute(interp, i, attribute)) == keep).ToList();
                }

                var test = Str(a.Positional[1]);
                var testArgs = a.Positional.Skip(2).ToList();
                return items.Where(i => Test(interp, test, Attribute(interp, i, attribute), testArgs, line) == keep).ToList();
            }

            case "sum":
            {
                var attribute = a.Get(0, "attribute") as string;
                object? total = a.Get(1, "start", 0L);
                foreach (var i in interp.Iterate(value, line))
                {
                    total = PyOps.Arithmetic("+", total, attribute is null ? i : Attribute(interp, i, attribute), line);
                }

                return total;
            }

            case "min" or "max":
            {
                var items = interp.Iterate(value, line);
                if (items.Count == 0)
                {
                    return new Undefined(name);
                }

                var best = items[0];
                foreach (var i in items.Skip(1))
                {
                    var c = PyOps.Compare(i, best, line);
                    if (name == "min" ? c < 0 : c > 0)
                    {
                        best = i;
                    }
                }

                return best;
            }

            case "batch":
            {
                var size = a.Get(0, "linecount") is long bs && bs > 0 ? (int)bs : 1;
                return interp.Iterate(value, line).Chunk(size).Select(c => (object?)c.ToList()).ToList();
            }

            case "indent":
            {
                var width = a.Get(0, "width", 4L) is long w ? new string(' ', (int)Math.Min(w, 1000)) : Str(a.Get(0, "width"));
                var first = PyOps.Truthy(a.Get(1, "first", false));
                var lines = Str(value).Split('\n');
                var sb = new StringBuilder();
                for (var i = 0; i < lines.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append('\n');
                    }

                    if ((i > 0 || first) && lines[i].Length > 0)
                    {
                        sb.Append(width);
                    }

                    sb.Append(lines[i]);
                }

                return sb.ToString();
            }

            case "truncate":
            {
                var s = Str(value);
                var length = a.Get(0, "length", 255L) is long tl ? (int)tl : 255;
                return s.Length <= length ? s : s[..Math.Max(0, length - 3)] + "...";
            }

            case "wordcount": return (long)Str(value).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            case "center": return Center(Str(value), a.Get(0, "width", 80L) is long cw ? (int)cw : 80);
            case "safe" or "e" or "escape" or "forceescape" or "as_text" or "striptags" or "pprint" or "urlencode":
                return value is string ? value : PyOps.ToStr(value);
            case "as_bool":
                return value is string sb2 ? sb2.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => value } : value;
            case "as_number":
                return value is string sn ? (long.TryParse(sn.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ln) ? ln : double.TryParse(sn.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var dn) ? dn : value) : value;
            case "as_native": return value;
            default:
                throw TemplateException.Runtime($"unknown filter '{name}'", line);
        }
    }

    public static bool Test(Interpreter interp, string name, object? value, List<object?> args, int line)
    {
        object? Arg() => args.Count > 0 ? args[0] : null;
        return name switch
        {
            "defined" => value is not Undefined,
            "undefined" => value is Undefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is Dictionary<string, object?> or Namespace or IMapping,
            "iterable" => value is string or List<object?> or Dictionary<string, object?>,
            "sequence" => value is string or List<object?> or Dictionary<string, object?>,
            "callable" => value is MacroValue or NativeFunction or BoundMethod or IJinjaCallable,
            "even" => value is long e && e % 2 == 0,
            "odd" => value is long o && o % 2 != 0,
            "divisibleby" => value is long dv && Arg() is long by && by != 0 && dv % by == 0,
            "eq" or "equalto" or "==" or "sameas" => PyOps.Equals(value, Arg()),
            "ne" or "!=" => !PyOps.Equals(value, Arg()),
            "lt" or "lessthan" or "<" => PyOps.Compare(value, Arg(), line) < 0,
            "gt" or "greaterthan" or ">" => PyOps.Compare(value, Arg(), line) > 0,
            "le" or "<=" => PyOps.Compare(value, Arg(), line) <= 0,
            "ge" or ">=" => PyOps.Compare(value, Arg(), line) >= 0,
            "in" => PyOps.Contains(Arg(), value),
            "lower" => value is string ls && ls == ls.ToLowerInvariant(),
            "upper" => value is string us && us == us.ToUpperInvariant(),
            "escaped" => false,
            "filter" or "test" => true,
            _ => throw TemplateException.Runtime($"unknown test '{name}'", line),
        };
    }

    public static object? CallMethod(Interpreter interp, BoundMethod method, CallArgs a)
    {
        return method.Receiver switch
        {
            string s => StringMethod(s, method.Name, a),
            List<object?> l => ListMethod(interp, l, method.Name, a),
            Dictionary<string, object?> d => DictMethod(d, method.Name, a),
            _ => throw TemplateException.Runtime($"unknown method '{method.Name}'", a.Line),
        };
    }

    private static object? StringMethod(string s, string name, CallArgs a)
    {
        var line = a.Line;
        string Arg(int i) => i < a.Positional.Count ? Str(a.Positional[i]) : string.Empty;
        switch (name)
        {
            case "lower" or "casefold": return s.ToLowerInvariant();
            case "upper": return s.ToUpperInvariant();
            case "swapcase": return string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
            case "strip": return a.Positional.Count > 0 && a.Positional[0] is string cs ? s.Trim(cs.ToCharArray()) : s.Trim();
            case "lstrip": return a.Positional.Count > 0 && a.Positional[0] is string ls ? s.TrimStart(ls.ToCharArray()) : s.TrimStart();
            case "rstrip": return a.Positional.Count > 0 && a.Positional[0] is string rs ? s.TrimEnd(rs.ToCharArray()) : s.TrimEnd();
            case "split" or "rsplit":
            {
                var sep = a.Get(0, "sep") as string;
                var max = a.Get(1, "maxsplit", -1L) is long m ? m : -1;
                if (sep is null)
                {
                    var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return parts.Select(p => (object?)p).ToList();
                }

                if (sep.Length == 0)
                {
                    throw TemplateException.Runtime("empty separator", line);
                }

                if (max < 0)
                {
                    return s.Split(sep).Select(p => (object?)p).ToList();
                }

                if (name == "split")
                {
                    return s.Split(sep, (int)Math.Min(max + 1, int.MaxValue)).Select(p => (object?)p).ToList();
                }

                var result = new List<object?>();
                var rest = s;
                for (var i = 0; i < max; i++)
                {
                    var idx = rest.LastIndexOf(sep, StringComparison.Ordinal);
                    if (idx < 0)
                    {
                        break;
                    }

                    result.Insert(0, rest[(idx + sep.Length)..]);
                    rest = rest[..idx];
                }

                result.Insert(0, rest);
                return result;
            }

            case "startswith": return a.Positional.Count > 0 && a.Positional[0] is List<object?> starts ? starts.Exists(p => s.StartsWith(Str(p), StringComparison.Ordinal)) : s.StartsWith(Arg(0), StringComparison.Ordinal);
            case "endswith": return a.Positional.Count > 0 && a.Positional[0] is List<object?> ends ? ends.Exists(p => s.EndsWith(Str(p), StringComparison.Ordinal)) : s.EndsWith(Arg(0), StringComparison.Ordinal);
            case "replace":
                if (a.Positional.Count > 2 && a.Positional[2] is long count)
                {
                    return ReplaceCount(s, Arg(0), Arg(1), count);
                }

                return Arg(0).Length == 0 ? s : s.Replace(Arg(0), Arg(1), StringComparison.Ordinal);
            case "format": return Formatting.StrFormat(s, a);
            case "join" when a.Positional.Count > 0 && a.Positional[0] is Opaque unknown: return unknown;
            case "join": return string.Join(s, (a.Positional.Count > 0 ? a.Positional[0] as List<object?> ?? [] : []).Select(PyOps.ToStr));
            case "title": return Title(s);
            case "capitalize": return Capitalize(s);
            case "find": return (long)s.IndexOf(Arg(0), StringComparison.Ordinal);
            case "rfind": return (long)s.LastIndexOf(Arg(0), StringComparison.Ordinal);
            case "index":
            {
                var i = s.IndexOf(Arg(0), StringComparison.Ordinal);
                return i >= 0 ? (long)i : throw TemplateException.Runtime("substring not found", line);
            }

            case "count": return Arg(0).Length == 0 ? (long)(s.Length + 1) : (long)((s.Length - s.Replace(Arg(0), string.Empty, StringComparison.Ordinal).Length) / Arg(0).Length);
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha": return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum": return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            case "isupper": return s.Any(char.IsLetter) && s == s.ToUpperInvariant();
            case "islower": return s.Any(char.IsLetter) && s == s.ToLowerInvariant();
            case "zfill": return a.Positional.Count > 0 && a.Positional[0] is long zw ? s.PadLeft((int)Math.Min(zw, 10_000), '0') : s;
            case "ljust": return a.Positional.Count > 0 && a.Positional[0] is long lw ? s.PadRight((int)Math.Min(lw, 10_000)) : s;
            case "rjust": return a.Positional.Count > 0 && a.Positional[0] is long rw ? s.PadLeft((int)Math.Min(rw, 10_000)) : s;
            case "center": return a.Positional.Count > 0 && a.Positional[0] is long cw ? Center(s, (int)Math.Min(cw, 10_000)) : s;
            case "removeprefix": return s.StartsWith(Arg(0), StringComparison.Ordinal) ? s[Arg(0).Length..] : s;
            case "removesuffix": return Arg(0).Length > 0 && s.EndsWith(Arg(0), StringComparison.Ordinal) ? s[..^Arg(0).Length] : s;
            case "partition":
            {
                var i = s.IndexOf(Arg(0), StringComparison.Ordinal);
                return i < 0 ? new List<object?> { s, string.Empty, string.Empty } : new List<object?> { s[..i], Arg(0), s[(i + Arg(0).Length)..] };
            }

            case "splitlines": return s.Split('\n').Select(p => (object?)p.TrimEnd('\r')).ToList();
            default: throw TemplateException.Runtime($"unknown string method '{name}'", line);
        }
    }

    private static object? ListMethod(Interpreter interp, List<object?> l, string name, CallArgs a)
    {
        var line = a.Line;
        object? Arg(int i) => i < a.Positional.Count ? a.Positional[i] : null;
        switch (name)
        {
            case "append":
                if (l.Count >= 1_000_000)
                {
                    throw TemplateException.Limit("list size limit (1,000,000)", line);
                }

                l.Add(Arg(0));
                return null;
            case "extend": l.AddRange(interp.Iterate(Arg(0), line)); return null;
            case "insert":
            {
                var i = Arg(0) is long x ? (int)Math.Clamp(x < 0 ? x + l.Count : x, 0, l.Count) : l.Count;
                l.Insert(i, Arg(1));
                return null;
            }

            case "pop":
            {
                if (l.Count == 0)
                {
                    throw TemplateException.Runtime("pop from empty list", line);
                }

                var i = Arg(0) is long x ? (int)(x < 0 ? x + l.Count : x) : l.Count - 1;
                if (i < 0 || i >= l.Count)
                {
                    throw TemplateException.Runtime("pop index out of range", line);
                }

                var v = l[i];
                l.RemoveAt(i);
                return v;
            }

            case "index":
            {
                var i = l.FindIndex(x => PyOps.Equals(x, Arg(0)));
                return i >= 0 ? (long)i : throw TemplateException.Runtime("value is not in list", line);
            }

            case "count": return (long)l.Count(x => PyOps.Equals(x, Arg(0)));
            case "remove":
            {
                var i = l.FindIndex(x => PyOps.Equals(x, Arg(0)));
                if (i < 0)
                {
                    throw TemplateException.Runtime("list.remove(x): x not in list", line);
                }

                l.RemoveAt(i);
                return null;
            }

            case "reverse": l.Reverse(); return null;
            case "sort": l.Sort((x, y) => PyOps.Compare(x, y, line)); return null;
            case "copy": return new List<object?>(l);
            case "clear": l.Clear(); return null;
            default: throw TemplateException.Runtime($"unknown list method '{name}'", line);
        }
    }

    private static object? DictMethod(Dictionary<string, object?> d, string name, CallArgs a)
    {
        object? Arg(int i) => i < a.Positional.Count ? a.Positional[i] : null;
        switch (name)
        {
            case "items": return d.Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList();
            case "keys": return d.Keys.Select(k => (object?)k).ToList();
            case "values": return d.Values.ToList();
            case "get": return Arg(0) is { } k && d.TryGetValue(PyOps.ToStr(k), out var v) ? v : Arg(1);
            case "update":
                if (Arg(0) is Dictionary<string, object?> other)
                {
                    foreach (var (key, value) in other)
                    {
                        d[key] = value;
                    }
                }

                foreach (var (key, value) in a.Named)
                {
                    d[key] = value;
                }

                return null;
            case "pop":
            {
                var key = PyOps.ToStr(Arg(0));
                if (d.Remove(key, out var removed))
                {
                    return removed;
                }

                return a.Positional.Count > 1 ? Arg(1) : throw TemplateException.Runtime($"key '{key}' not found", a.Line);
            }

            case "setdefault":
            {
                var key = PyOps.ToStr(Arg(0));
                if (!d.TryGetValue(key, out var existing))
                {
                    d[key] = existing = Arg(1);
                }

                return existing;
            }

            case "copy": return new Dictionary<string, object?>(d, StringComparer.Ordinal);
            case "clear": d.Clear(); return null;
            default: throw TemplateException.Runtime($"unknown dict method '{name}'", a.Line);
        }
    }

    private static string Str(object? v) => v is Undefined ? string.Empty : PyOps.ToStr(v);

    private static string ReplaceCount(string s, string old, string @new, long count)
    {
        if (old.Length == 0)
        {
            return s;
        }

        var sb = new StringBuilder();
        var pos = 0;
        for (var i = 0; i < count; i++)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0)
            {
                break;
            }

            sb.Append(s, pos, idx - pos).Append(@new);
            pos = idx + old.Length;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var start = true;
        foreach (var c in s)
        {
            sb.Append(start ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            start = !char.IsLetterOrDigit(c);
        }

        return sb.ToString();
    }

    private static string Center(string s, int width)
    {
        if (s.Length >= width)
        {
            return s;
        }

        var total = width - s.Length;
        var left = total / 2;
        return new string(' ', left) + s + new string(' ', total - left);
    }

    private static object? ToInt(object? v, object? fallback) => v switch
    {
        long => v,
        double d => (long)Math.Truncate(d),
        bool b => b ? 1L : 0L,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)Math.Truncate(d),
        _ => fallback,
    };

    private static object? ToFloat(object? v, object? fallback) => v switch
    {
        double => v,
        long l => (double)l,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };
}
