using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ReviewBot.Dbt.Jinja;
using ReviewBot.Dbt.Projects;

namespace ReviewBot.Dbt.Rendering;

/// <summary>
/// The dbt context of one render pass: the names a model can use (ref, source, config, var, env_var, is_incremental,
/// this, target, adapter, exceptions, modules...), the project's and packages' macros, and what the pass recorded.
/// </summary>
internal sealed class DbtContext : IGlobals
{
    private readonly Dictionary<string, object?> _fixed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object?> _namespaces = new(StringComparer.Ordinal);

    public DbtContext(DbtRepository repository, DbtProject project, string path, DbtRenderOptions options, bool incremental)
    {
        Repository = repository;
        Project = project;
        Options = options;
        Incremental = incremental;
        Catalog = repository.MacrosFor(project);
        Adapter = repository.AdapterFor(project);
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        ModelName = fileName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) ? fileName[..^4] : fileName;
        Target = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = options.TargetName,
            ["target_name"] = options.TargetName,
            ["type"] = Adapter,
            ["schema"] = options.TargetSchema,
            ["database"] = options.TargetDatabase,
            ["dbname"] = options.TargetDatabase,
            ["project"] = options.TargetDatabase,
            ["dataset"] = options.TargetSchema,
            ["profile_name"] = project.Profile ?? project.Name,
            ["threads"] = 1L,
        };
        ModelConfig = new Dictionary<string, object?>(StringComparer.Ordinal);
        Model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = ModelName,
            ["alias"] = ModelName,
            ["unique_id"] = $"model.{project.Name}.{ModelName}",
            ["resource_type"] = "model",
            ["package_name"] = project.Name,
            ["path"] = path,
            ["original_file_path"] = path,
            ["schema"] = options.TargetSchema,
            ["database"] = options.TargetDatabase,
            ["config"] = ModelConfig,
            ["tags"] = new List<object?>(),
            ["fqn"] = new List<object?> { project.Name, ModelName },
            ["refs"] = new List<object?>(),
            ["sources"] = new List<object?>(),
        };
        This = new Relation(options.TargetDatabase, options.TargetSchema, ModelName, null);
        Build();
    }

    public DbtRepository Repository { get; }

    public DbtProject Project { get; }

    public DbtRenderOptions Options { get; }

    public bool Incremental { get; }

    public bool IsIncrementalCalled { get; private set; }

    public MacroCatalog Catalog { get; }

    public string Adapter { get; }

    public string ModelName { get; }

    public Dictionary<string, object?> Target { get; }

    public Dictionary<string, object?> Model { get; }

    public Dictionary<string, object?> ModelConfig { get; }

    public Relation This { get; }

    public List<ConfigEntry> Config { get; } = [];

    public List<RelationRecord> Relations { get; } = [];

    public bool TryResolve(Interpreter interpreter, string name, out object? value)
    {
        // Whether the model builds incrementally is the renderer's to decide (both ways), even when the project
        // overrides is_incremental() with its own introspecting macro.
        if (name is "is_incremental" or "should_full_refresh")
        {
            value = _fixed[name];
            return true;
        }

        if (Catalog.Find(interpreter.CurrentPackage, name) is { } macro)
        {
            value = macro;
            return true;
        }

        if (_fixed.TryGetValue(name, out value))
        {
            return true;
        }

        if (name is "graph" or "invocation_id" or "run_started_at")
        {
            value = interpreter.NewOpaque(name + " (known only at run time)");
            return true;
        }

        if (DbtBuiltins.CrossDatabase.TryGetValue(name, out var builtin))
        {
            value = new NativeFunction(name, (i, a) => builtin(this, i, a));
            return true;
        }

        if (_namespaces.TryGetValue(name, out value))
        {
            return true;
        }

        if (Catalog.Packages.ContainsKey(name) || name == "dbt_utils" || name == Project.Name || Project.DeclaredPackages.Contains(name))
        {
            value = _namespaces[name] = new PackageNamespace(this, name);
            return true;
        }

        value = null;
        return false;
    }

    private void Build()
    {
        void Fn(string name, Func<Interpreter, CallArgs, object?> body) => _fixed[name] = new NativeFunction(name, body);

        Fn("ref", Ref);
        Fn("source", Source);
        Fn("var", Var);
        Fn("env_var", EnvVar);
        Fn("is_incremental", (_, _) =>
        {
            IsIncrementalCalled = true;
            return Incremental;
        });
        Fn("should_full_refresh", (_, _) => false);
        Fn("log", (_, _) => string.Empty);
        Fn("print", (_, _) => string.Empty);
        Fn("run_query", (i, _) => i.NewOpaque("run_query (needs the warehouse)"));
        Fn("load_result", (i, _) => i.NewOpaque("load_result (needs the warehouse)"));
        Fn("statement", (i, _) =>
        {
            i.RecordPartial("statement (needs the warehouse)");
            return string.Empty;
        });
        Fn("noop_statement", (_, _) => string.Empty);
        Fn("fromjson", (i, a) => FromJson(a.Get(0, "string") as string, a.Get(1, "default")));
        Fn("tojson", (_, a) => Formatting.ToJson(a.Get(0, "value"), PyOps.Truthy(a.Get(1, "sort_keys", false))));
        Fn("fromyaml", (_, a) => a.Get(0, "value") is string y ? YamlValues.Parse(y, out string? _) : a.Get(1, "default"));
        Fn("toyaml", (_, a) => Formatting.ToJson(a.Get(0, "value"), false));
#pragma warning disable CA5351 // dbt's local_md5 is MD5 by definition; it names things, it does not protect them.
        Fn("local_md5", (_, a) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(PyOps.ToStr(a.Get(0, "value"))))));
#pragma warning restore CA5351
        Fn("zip", (i, a) =>
        {
            var lists = a.Positional.Select(p => i.Iterate(p, a.Line)).ToList();
            var n = lists.Count == 0 ? 0 : lists.Min(l => l.Count);
            return Enumerable.Range(0, n).Select(k => (object?)lists.Select(l => l[k]).ToList()).ToList();
        });
        Fn("set", (i, a) =>
        {
            var result = new List<object?>();
            foreach (var item in i.Iterate(a.Get(0, "value"), a.Line))
            {
                if (!result.Exists(x => PyOps.Equals(x, item)))
                {
                    result.Add(item);
                }
            }

            return result;
        });
        Fn("try_or_compiler_error", (i, a) => a.Positional.Count > 1 ? i.Call(a.Positional[1], new CallArgs(a.Positional.Skip(2).ToList(), a.Named, a.Line)) : null);
        _fixed["config"] = new ConfigObject(this);
        _fixed["this"] = This;
        _fixed["target"] = Target;
        _fixed["model"] = Model;
        _fixed["execute"] = true;
        _fixed["flags"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["FULL_REFRESH"] = false, ["WHICH"] = "run", ["STORE_FAILURES"] = false };
        _fixed["dbt_version"] = "1.8.0";
        _fixed["project_name"] = Repository.Projects.Count > 0 ? Project.Name : "project";
        _fixed["database"] = Options.TargetDatabase;
        _fixed["schema"] = Options.TargetSchema;
        _fixed["selected_resources"] = new List<object?>();
        _fixed["adapter"] = new AdapterObject(this);
        _fixed["exceptions"] = new ExceptionsObject();
        _fixed["modules"] = new ModulesObject();
        _fixed["api"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Relation"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["create"] = new NativeFunction("create", (_, a) => new Relation(a.Get(-1, "database") as string, a.Get(-1, "schema") as string, PyOps.ToStr(a.Get(-1, "identifier", string.Empty)), null)),
            },
            ["Column"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["translate_type"] = new NativeFunction("translate_type", (_, a) => a.Get(0, "dtype")),
            },
        };
        _fixed["builtins"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["ref"] = _fixed["ref"],
            ["source"] = _fixed["source"],
            ["config"] = _fixed["config"],
        };
        _fixed["dbt"] = new PackageNamespace(this, "dbt");
    }

    private object? Ref(Interpreter interp, CallArgs a)
    {
        var version = a.Get(-1, "v") ?? a.Get(-1, "version");
        string? package = null;
        string name;
        if (a.Positional.Count >= 2)
        {
            package = PyOps.ToStr(a.Positional[0]);
            name = PyOps.ToStr(a.Positional[1]);
        }
        else if (a.Positional.Count == 1)
        {
            name = PyOps.ToStr(a.Positional[0]);
        }
        else
        {
            throw TemplateException.Runtime("ref() takes a model name", a.Line);
        }

        var versionText = version is null ? null : PyOps.ToStr(version);
        var record = new RelationRecord(RelationKind.Ref, name, package, versionText, null, interp.ModelLine);
        var relation = new Relation(Options.TargetDatabase, Options.TargetSchema, versionText is null ? name : $"{name}_v{versionText}", record);
        record.RenderedName = relation.ToString();
        Relations.Add(record);
        return relation;
    }

    private object? Source(Interpreter interp, CallArgs a)
    {
        if (a.Positional.Count < 2 && !(a.Named.ContainsKey("source_name") && a.Named.ContainsKey("table_name")))
        {
            throw TemplateException.Runtime("source() takes a source name and a table name", a.Line);
        }

        var source = PyOps.ToStr(a.Get(0, "source_name"));
        var table = PyOps.ToStr(a.Get(1, "table_name"));
        var record = new RelationRecord(RelationKind.Source, table, null, null, source, interp.ModelLine);
        var declared = Options.SourceRelations?.Invoke(source, table);
        var relation = new Relation(declared?.Database ?? Options.TargetDatabase, declared?.Schema ?? source, declared?.Identifier ?? table, record);
        record.RenderedName = relation.ToString();
        Relations.Add(record);
        return relation;
    }

    private object? Var(Interpreter interp, CallArgs a)
    {
        var name = PyOps.ToStr(a.Get(0, "name"));
        if (TryVar(interp.CurrentPackage, name, out var value))
        {
            return value is string s && s.Contains("{{", StringComparison.Ordinal) ? interp.RenderInline(s) : value;
        }

        if (a.Has(1, "default"))
        {
            return a.Get(1, "default");
        }

        interp.RecordUnresolved($"var('{name}')");
        return interp.NewOpaque($"var('{name}') has no value");
    }

    private bool TryVar(string? package, string name, out object? value)
    {
        var scope = package ?? Project.Name;
        if (Project.ScopedVars.TryGetValue(scope, out var scoped) && scoped.TryGetValue(name, out value))
        {
            return true;
        }

        if (Project.Vars.TryGetValue(name, out value))
        {
            return true;
        }

        if (package is not null && Catalog.PackageProjects.TryGetValue(package, out var pkg) && pkg.Vars.TryGetValue(name, out value))
        {
            return true;
        }

        if (Options.Vars.TryGetValue(name, out value))
        {
            return true;
        }

        value = null;
        return false;
    }

    private static object? EnvVar(Interpreter interp, CallArgs a)
    {
        var name = PyOps.ToStr(a.Get(0, "var"));
        if (a.Has(1, "default"))
        {
            return a.Get(1, "default");
        }

        interp.RecordUnresolved($"env_var('{name}')");
        interp.RecordPartial($"env_var('{name}') has no default");
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
        return $"__rb_opaque_env_{safe}__";
    }

    private static object? FromJson(string? text, object? fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return FromJsonElement(doc.RootElement);
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static object? FromJsonElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJsonElement(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJsonElement).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Finds <c>&lt;adapter&gt;__name</c> then <c>default__name</c> (adapter parents in between).</summary>
    public object? Dispatch(Interpreter interp, string name, string? macroNamespace)
    {
        var prefixes = new List<string> { Adapter };
        switch (Adapter)
        {
            case "redshift": prefixes.Add("postgres"); break;
            case "databricks": prefixes.Add("spark"); break;
            case "starburst" or "athena": prefixes.Add("trino"); break;
        }

        prefixes.Add("default");

        // dispatch: in dbt_project.yml names the packages to search, in order, for a namespace's implementations.
        if (macroNamespace is not null && Project.DispatchOrder.TryGetValue(macroNamespace, out var searchOrder))
        {
            foreach (var package in searchOrder)
            {
                var macros = package == Catalog.RootName ? Catalog.Root : Catalog.Packages.GetValueOrDefault(package);
                foreach (var prefix in prefixes)
                {
                    if (macros is not null && macros.TryGetValue(prefix + "__" + name, out var ordered))
                    {
                        return ordered;
                    }
                }
            }
        }

        foreach (var prefix in prefixes)
        {
            var candidate = prefix + "__" + name;
            if (Catalog.Root.TryGetValue(candidate, out var m))
            {
                return m;
            }

            if (macroNamespace is not null && Catalog.Packages.TryGetValue(macroNamespace, out var ns) && ns.TryGetValue(candidate, out m))
            {
                return m;
            }

            if (interp.CurrentPackage is not null && Catalog.Packages.TryGetValue(interp.CurrentPackage, out var own) && own.TryGetValue(candidate, out m))
            {
                return m;
            }
        }

        if (DbtBuiltins.CrossDatabase.TryGetValue(name, out var builtin) && macroNamespace is null or "dbt" or "dbt_utils")
        {
            return new NativeFunction(name, (i, a) => builtin(this, i, a));
        }

        if (macroNamespace == "dbt_utils" && DbtBuiltins.DbtUtils.TryGetValue(name, out var utils))
        {
            return new NativeFunction(name, (i, a) => utils(this, i, a));
        }

        foreach (var prefix in prefixes)
        {
            if (Catalog.FindInAnyPackage(prefix + "__" + name) is { } anywhere)
            {
                return anywhere;
            }
        }

        return new Undefined($"adapter.dispatch('{name}'{(macroNamespace is null ? string.Empty : $", '{macroNamespace}'")})");
    }

    private sealed class ConfigObject(DbtContext context) : IJinjaCallable, IJinjaObject
    {
        public object? Call(Interpreter interpreter, CallArgs args)
        {
            foreach (var positional in args.Positional)
            {
                if (positional is Dictionary<string, object?> dict)
                {
                    foreach (var (k, v) in dict)
                    {
                        Record(interpreter, k, v);
                    }
                }
            }

            foreach (var (k, v) in args.Named)
            {
                Record(interpreter, k, v, args.NamedLines is { } lines && lines.TryGetValue(k, out var line) ? line : null);
            }

            return string.Empty;
        }

        private void Record(Interpreter interpreter, string key, object? value, int? line = null)
        {
            context.Config.Add(new ConfigEntry(key, value, line ?? interpreter.ModelLine));
            context.ModelConfig[key] = value;
        }

        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "get" => new NativeFunction("get", (_, a) => context.ModelConfig.TryGetValue(PyOps.ToStr(a.Get(0, "name")), out var v) ? v : a.Get(1, "default")),
            "require" => new NativeFunction("require", (_, a) => context.ModelConfig.TryGetValue(PyOps.ToStr(a.Get(0, "name")), out var v) ? v : new Undefined(PyOps.ToStr(a.Get(0, "name")))),
            "set" => new NativeFunction("set", (i, a) =>
            {
                Record(i, PyOps.ToStr(a.Get(0, "name")), a.Get(1, "value"));
                return string.Empty;
            }),
            "persist_relation_docs" or "persist_column_docs" => new NativeFunction(name, (_, _) => false),
            _ => new Undefined("config." + name),
        };
    }

    /// <summary>A package's macros by name (<c>dbt_utils.star</c>); built-in renderings for well-known macros absent from the repository.</summary>
    private sealed class PackageNamespace(DbtContext context, string package) : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name)
        {
            // Macros whose real code needs the warehouse (a relation's columns) render with the built-in shape even when
            // the package is in the repository: running their code offline would silently drop the columns.
            if (package == "dbt_utils" && DbtBuiltins.PreferBuiltin.Contains(name) && DbtBuiltins.DbtUtils.TryGetValue(name, out var preferred))
            {
                return new NativeFunction(name, (i, a) => preferred(context, i, a));
            }

            if (package == "dbt")
            {
                if (context.Catalog.Find(null, name) is { } overridden)
                {
                    return overridden;
                }
            }
            else if (package == context.Catalog.RootName && context.Catalog.Root.TryGetValue(name, out var own))
            {
                return own;
            }
            else if (context.Catalog.Packages.TryGetValue(package, out var macros))
            {
                if (macros.TryGetValue(name, out var macro))
                {
                    return macro;
                }
            }

            if (package == "dbt_utils" && DbtBuiltins.DbtUtils.TryGetValue(name, out var utils))
            {
                return new NativeFunction(name, (i, a) => utils(context, i, a));
            }

            if (package is "dbt" or "dbt_utils" && DbtBuiltins.CrossDatabase.TryGetValue(name, out var builtin))
            {
                return new NativeFunction(name, (i, a) => builtin(context, i, a));
            }

            return new Undefined(package + "." + name);
        }
    }

    private sealed class AdapterObject(DbtContext context) : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "dispatch" => new NativeFunction("dispatch", (i, a) => context.Dispatch(i, PyOps.ToStr(a.Get(0, "macro_name")), a.Get(1, "macro_namespace") as string ?? a.Get(-1, "packages") as string)),
            "quote" => new NativeFunction("quote", (_, a) => DbtBuiltins.Quote(context, PyOps.ToStr(a.Get(0, "identifier")))),
            "type" => new NativeFunction("type", (_, _) => context.Adapter),
            "quote_as_configured" or "quote_seed_column" => new NativeFunction(name, (_, a) => PyOps.ToStr(a.Get(0, "identifier"))),
            "get_columns_in_relation" or "get_relation" or "load_relation" or "get_missing_columns" or "list_relations_without_caching" or "get_relations_by_pattern" or "check_schema_exists" or "already_exists" or "execute" or "get_columns_in_table"
                => new NativeFunction(name, (i, _) => i.NewOpaque($"adapter.{name} (needs the warehouse)")),
            _ => new NativeFunction(name, (i, _) => i.NewOpaque($"adapter.{name}")),
        };
    }

    private sealed class ExceptionsObject : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "raise_compiler_error" or "raise_not_implemented" or "raise_fail_fast_error" or "raise_contract_error" or "relation_wrong_type" or "raise_dependency_error"
                => new NativeFunction(name, (_, a) => throw TemplateException.Runtime($"{name}: {PyOps.ToStr(a.Positional.FirstOrDefault())}", a.Line)),
            _ => new NativeFunction(name, (_, _) => string.Empty),
        };
    }

    private sealed class ModulesObject : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "re" => new RegexModule(),
            _ => new OpaqueModule("modules." + name),
        };
    }

    /// <summary>Run-time modules (datetime, pytz, itertools): their values are not known before the run.</summary>
    private sealed class OpaqueModule(string name) : IJinjaObject, IJinjaCallable
    {
        public object? GetAttribute(Interpreter interpreter, string attribute) => new OpaqueModule(name + "." + attribute);

        public object? Call(Interpreter interpreter, CallArgs args) => interpreter.NewOpaque(name + " (run time)");
    }

    private sealed class RegexModule : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "IGNORECASE" or "I" => 2L,
            "MULTILINE" or "M" => 8L,
            "DOTALL" or "S" => 16L,
            "VERBOSE" or "X" => 64L,
            "compile" => new NativeFunction("compile", (_, a) => new CompiledRegex(PyOps.ToStr(a.Get(0, "pattern")), a.Get(1, "flags", 0L) is long f ? f : 0)),
            "escape" => new NativeFunction("escape", (_, a) => System.Text.RegularExpressions.Regex.Escape(PyOps.ToStr(a.Get(0, "pattern")))),
            _ => new NativeFunction(name, (i, a) => new CompiledRegex(PyOps.ToStr(a.Get(0, "pattern")), a.Get(-1, "flags", 0L) is long f ? f : 0).Invoke(i, name, new CallArgs(a.Positional.Skip(1).ToList(), a.Named, a.Line))),
        };
    }

    private sealed class CompiledRegex(string pattern, long flags) : IJinjaObject
    {
        private readonly System.Text.RegularExpressions.Regex _regex = new(
            pattern.Replace("(?P<", "(?<", StringComparison.Ordinal),
            ((flags & 2) != 0 ? System.Text.RegularExpressions.RegexOptions.IgnoreCase : 0) | ((flags & 8) != 0 ? System.Text.RegularExpressions.RegexOptions.Multiline : 0) | ((flags & 16) != 0 ? System.Text.RegularExpressions.RegexOptions.Singleline : 0),
            TimeSpan.FromMilliseconds(100));

        public object? GetAttribute(Interpreter interpreter, string name) => new NativeFunction(name, (i, a) => Invoke(i, name, a));

        public object? Invoke(Interpreter interpreter, string name, CallArgs a)
        {
            try
            {
                switch (name)
                {
                    case "search" or "match" or "fullmatch":
                    {
                        var text = PyOps.ToStr(a.Get(0, "string"));
                        var m = _regex.Match(text);
                        var ok = m.Success && (name == "search" || (m.Index == 0 && (name == "match" || m.Length == text.Length)));
                        return ok ? new RegexMatch(m) : null;
                    }

                    case "findall":
                        return _regex.Matches(PyOps.ToStr(a.Get(0, "string"))).Select(m => (object?)(m.Groups.Count > 1 ? m.Groups[1].Value : m.Value)).ToList();
                    case "sub":
                        return _regex.Replace(PyOps.ToStr(a.Get(1, "string")), PyOps.ToStr(a.Get(0, "repl")).Replace("\\g<", "${", StringComparison.Ordinal));
                    case "split":
                        return _regex.Split(PyOps.ToStr(a.Get(0, "string"))).Select(s => (object?)s).ToList();
                    default:
                        throw TemplateException.Runtime($"unknown re function '{name}'", a.Line);
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                throw TemplateException.Limit("time limit (regular expression)", a.Line);
            }
        }
    }

    private sealed class RegexMatch(System.Text.RegularExpressions.Match match) : IJinjaObject
    {
        public object? GetAttribute(Interpreter interpreter, string name) => name switch
        {
            "group" => new NativeFunction("group", (_, a) => a.Positional.Count == 0 ? match.Value : a.Positional[0] is long g ? match.Groups[(int)g].Value : match.Groups[PyOps.ToStr(a.Positional[0])].Value),
            "groups" => new NativeFunction("groups", (_, _) => match.Groups.Cast<System.Text.RegularExpressions.Group>().Skip(1).Select(g => (object?)(g.Success ? g.Value : null)).ToList()),
            "start" => new NativeFunction("start", (_, _) => (long)match.Index),
            "end" => new NativeFunction("end", (_, _) => (long)(match.Index + match.Length)),
            _ => new Undefined("match." + name),
        };
    }
}
