using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Core.Configuration;

/// <summary>
/// Reads <c>.github/reviewbot.yml</c>. Strict: an unknown key, a wrong type or a bad value is an
/// <see cref="InvalidInputException"/> naming the file, the key path and the line.
/// The published JSON schema is <c>action/reviewbot.schema.json</c>.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The conventional location, relative to the repository root.</summary>
    public const string DefaultPath = ".github/reviewbot.yml";

    /// <summary>The longest config accepted, in characters.</summary>
    public const int MaxBytes = 256 * 1024;

    private const int MaxNodes = 10_000;
    private const int MaxDepth = 32;

    public static ReviewConfig Parse(string yaml, string source)
    {
        if (yaml.Length > MaxBytes)
        {
            throw new InvalidInputException($"{source}: config is {yaml.Length:N0} characters; the limit is {MaxBytes:N0}.");
        }

        YamlStream stream = [];
        try
        {
            // YamlStream.Load recurses once per nesting level, and a stack overflow cannot be caught:
            // measure the depth with the (iterative) event parser first.
            CheckDepth(yaml, source);
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // YamlDotNet places a tab's error at the start of the enclosing block (often line 1): name the line
            // that the tab indents, which is what the author has to fix.
            if (TabIndentedLine(yaml) is { } tabLine)
            {
                throw new InvalidInputException($"{source}:{tabLine}: not valid YAML: a tab indents this line; YAML indents with spaces only", e);
            }

            throw new InvalidInputException($"{source}:{e.Start.Line}: not valid YAML: {Describe(e)}", e);
        }

        if (stream.Documents.Count > 1)
        {
            throw new InvalidInputException($"{source}:{stream.Documents[1].RootNode.Start.Line}: more than one YAML document ('---'); the config is one document");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" })
        {
            return ReviewConfig.Default;
        }

        var reader = new Reader(source);
        var root = reader.Mapping(stream.Documents[0].RootNode, "");
        return reader.ReadRoot(root);
    }

    /// <summary>The first line (1-based) whose indentation holds a tab, or null.</summary>
    private static int? TabIndentedLine(string yaml)
    {
        var line = 1;
        var atIndent = true;
        foreach (var c in yaml)
        {
            if (c == '\n')
            {
                line++;
                atIndent = true;
            }
            else if (atIndent && c == '\t')
            {
                return line;
            }
            else if (c is not (' ' or '\r'))
            {
                atIndent = false;
            }
        }

        return null;
    }

    private static void CheckDepth(string yaml, string source)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        throw new InvalidInputException($"{source}:{parser.Current.Start.Line}: nested more than {MaxDepth} levels deep; refusing to read it");
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static string Describe(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var paren = message.IndexOf("): ", StringComparison.Ordinal);
        return paren >= 0 && message.StartsWith('(') ? message[(paren + 3)..] : message;
    }

    private sealed class Reader(string source)
    {
        private int _nodes;

        public ReviewConfig ReadRoot(YamlMappingNode root)
        {
            var d = ReviewConfig.Default;
            Severity failOn = d.FailOn;
            IncompleteOutcome onIncomplete = d.OnIncomplete;
            UnanalysedOutcome onUnanalysed = d.OnUnanalysed;
            int maxParallel = d.MaxParallel;
            bool reviewDrafts = d.ReviewDrafts;
            BudgetConfig budget = d.Budget;
            LlmConfig llm = d.Llm;
            PathFilter paths = d.Paths;
            LimitsConfig limits = d.Limits;
            IReadOnlyDictionary<string, AgentConfig> agents = d.Agents;
            foreach (var (key, value, path, keyNode) in Entries(root, ""))
            {
                switch (key)
                {
                    case "fail_on": failOn = SeverityValue(value, path); break;
                    case "on_incomplete": onIncomplete = Choice(value, path, ("fail", IncompleteOutcome.Fail), ("pass", IncompleteOutcome.Pass)); break;
                    case "on_unanalysed": onUnanalysed = Choice(value, path, ("fail", UnanalysedOutcome.Fail), ("warn", UnanalysedOutcome.Warn)); break;
                    case "max_parallel": maxParallel = Int(value, path, 1, 64); break;
                    case "review_drafts": reviewDrafts = Bool(value, path); break;
                    case "budget": budget = ReadBudget(Mapping(value, path), path); break;
                    case "llm": llm = ReadLlm(Mapping(value, path), path); break;
                    case "paths": paths = ReadPaths(value, path); break;
                    case "limits": limits = ReadLimits(Mapping(value, path), path); break;
                    case "agents": agents = ReadAgents(Mapping(value, path), path); break;
                    default: throw Unknown(key, path, keyNode, "fail_on, on_incomplete, on_unanalysed, max_parallel, review_drafts, budget, llm, paths, limits, agents");
                }
            }

            return new ReviewConfig
            {
                FailOn = failOn, OnIncomplete = onIncomplete, OnUnanalysed = onUnanalysed, MaxParallel = maxParallel, ReviewDrafts = reviewDrafts, Budget = budget,
                Llm = llm, Paths = paths, Limits = limits, Agents = agents,
            };
        }

        private BudgetConfig ReadBudget(YamlMappingNode node, string parent)
        {
            var tokens = 200_000;
            decimal? usd = null;
            var reserve = 0.2;
            var promptPrice = 0.0025m;
            var completionPrice = 0.01m;
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "tokens": tokens = Int(value, path, 0, 100_000_000); break;
                    case "usd": usd = (decimal)Double(value, path, 0, 100_000); break;
                    case "critical_reserve": reserve = Double(value, path, 0, 1); break;
                    case "usd_per_1k_prompt_tokens": promptPrice = (decimal)Double(value, path, 0, 1000); break;
                    case "usd_per_1k_completion_tokens": completionPrice = (decimal)Double(value, path, 0, 1000); break;
                    default: throw Unknown(key, path, keyNode, "tokens, usd, critical_reserve, usd_per_1k_prompt_tokens, usd_per_1k_completion_tokens");
                }
            }

            return new BudgetConfig { Tokens = tokens, Usd = usd, CriticalReserve = reserve, UsdPer1kPromptTokens = promptPrice, UsdPer1kCompletionTokens = completionPrice };
        }

        private LlmConfig ReadLlm(YamlMappingNode node, string parent)
        {
            var d = new LlmConfig();
            LlmProvider provider = d.Provider;
            string? endpoint = null, deployment = null, apiVersion = null;
            bool canBlock = false;
            int rpm = d.RequestsPerMinute, tpm = d.TokensPerMinute, maxOut = d.MaxOutputTokens;
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "provider": provider = Choice(value, path, ("none", LlmProvider.None), ("azure-openai", LlmProvider.AzureOpenAI), ("openai-compatible", LlmProvider.OpenAICompatible)); break;
                    case "endpoint": endpoint = Url(value, path); break;
                    case "deployment": case "model": deployment = Text(value, path); break;
                    case "api_version": apiVersion = Text(value, path); break;
                    case "can_block": canBlock = Bool(value, path); break;
                    case "requests_per_minute": rpm = Int(value, path, 1, 1_000_000); break;
                    case "tokens_per_minute": tpm = Int(value, path, 1, 100_000_000); break;
                    case "max_output_tokens": maxOut = Int(value, path, 16, 100_000); break;
                    case "api_key": throw Error(value, $"{path}: secrets never live in the config file; set AZURE_OPENAI_API_KEY (or the action input azure_openai_api_key) instead");
                    default: throw Unknown(key, path, keyNode, "provider, endpoint, deployment, model, api_version, can_block, requests_per_minute, tokens_per_minute, max_output_tokens");
                }
            }

            return new LlmConfig
            {
                Provider = provider, Endpoint = endpoint, Deployment = deployment, ApiVersion = apiVersion, CanBlock = canBlock,
                RequestsPerMinute = rpm, TokensPerMinute = tpm, MaxOutputTokens = maxOut,
            };
        }

        private LimitsConfig ReadLimits(YamlMappingNode node, string parent)
        {
            var limits = new LimitsConfig();
            int maxFiles = limits.MaxFiles, maxBytes = limits.MaxFileBytes;
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "max_files": maxFiles = Int(value, path, 1, 100_000); break;
                    case "max_file_bytes": maxBytes = Int(value, path, 1, 64 << 20); break;
                    default: throw Unknown(key, path, keyNode, "max_files, max_file_bytes");
                }
            }

            return new LimitsConfig { MaxFiles = maxFiles, MaxFileBytes = maxBytes };
        }

        private PathFilter ReadPaths(YamlNode node, string parent)
        {
            IReadOnlyList<Glob> include = [], exclude = [];
            foreach (var (key, value, path, keyNode) in Entries(Mapping(node, parent), parent))
            {
                switch (key)
                {
                    case "include": include = Globs(value, path); break;
                    case "exclude": exclude = Globs(value, path); break;
                    default: throw Unknown(key, path, keyNode, "include, exclude");
                }
            }

            return new PathFilter { Include = include, Exclude = exclude };
        }

        private Dictionary<string, AgentConfig> ReadAgents(YamlMappingNode node, string parent)
        {
            var agents = new Dictionary<string, AgentConfig>(StringComparer.Ordinal);
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                if (!AgentName.IsValid(key))
                {
                    throw Error(value, $"{path}: '{Show(key)}' is not a valid agent name (lower-case letters, digits and dashes)");
                }

                var agent = value is YamlScalarNode scalar && TryBool(scalar.Value, out var enabled)
                    ? new AgentConfig { Enabled = enabled }
                    : ReadAgent(Mapping(value, path), path);
                if (!AgentName.BuiltIn.Any(b => b.Value == key))
                {
                    CheckCustomAgent(key, path, keyNode, agent);
                }

                agents[key] = agent;
            }

            return agents;
        }

        /// <summary>
        /// A name that is not a built-in agent declares a custom agent, which can only find something with a
        /// prompt or regex rules: anything else is most likely a misspelt built-in (<c>dcos</c> for <c>docs</c>).
        /// </summary>
        private void CheckCustomAgent(string key, string path, YamlNode keyNode, AgentConfig agent)
        {
            if (agent.Patterns.Count == 0 && string.IsNullOrWhiteSpace(agent.Prompt))
            {
                var closest = AgentName.BuiltIn.Select(b => b.Value).MinBy(b => EditDistance(b, key))!;
                var suggestion = EditDistance(closest, key) <= 2 ? $" — did you mean '{closest}'?" : $" (the built-in agents are {string.Join(", ", AgentName.BuiltIn)})";
                throw Error(keyNode, $"{path}: unknown agent '{Show(key)}'{suggestion} (a custom agent needs a prompt or rules)");
            }

            if (agent.Lane is null)
            {
                throw Error(keyNode, $"{path}.lane: required for a custom agent (critical, high, normal or low)");
            }
        }

        /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
        internal static int EditDistance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[a.Length, b.Length];
        }

        private AgentConfig ReadAgent(YamlMappingNode node, string parent)
        {
            bool enabled = true;
            Lane? lane = null;
            PolicyKind? policy = null;
            int? retry = null;
            TimeSpan? timeout = null;
            var severities = new Dictionary<string, Severity>(StringComparer.Ordinal);
            var toggles = new Dictionary<string, bool>(StringComparer.Ordinal);
            var paths = PathFilter.All;
            string? prompt = null;
            var exceptions = new List<RuleException>();
            var patterns = new List<PatternRule>();
            IReadOnlyList<string>? reads = null, writes = null;
            IReadOnlyList<string> piiAllow = [], piiDeny = [];
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "enabled": enabled = Bool(value, path); break;
                    case "lane": lane = Choice(value, path, ("critical", Agents.Lane.Critical), ("high", Agents.Lane.High), ("normal", Agents.Lane.Normal), ("low", Agents.Lane.Low)); break;
                    case "policy": policy = Choice(value, path, ("required", PolicyKind.Required), ("best_effort", PolicyKind.BestEffort)); break;
                    case "retry": retry = Int(value, path, 0, 5); break;
                    case "timeout": timeout = Duration(value, path); break;
                    case "severity":
                        foreach (var (rule, sev, rulePath, _) in Entries(Mapping(value, path), path))
                        {
                            severities[rule] = SeverityValue(sev, rulePath);
                        }

                        break;
                    case "rules":
                        foreach (var (rule, on, rulePath, _) in Entries(Mapping(value, path), path))
                        {
                            toggles[rule] = Bool(on, rulePath);
                        }

                        break;
                    case "paths": paths = ReadPaths(value, path); break;
                    case "prompt": prompt = Text(value, path); break;
                    case "exceptions":
                        var i = 0;
                        foreach (var item in Sequence(value, path))
                        {
                            exceptions.Add(ReadException(Mapping(item, $"{path}[{i}]"), $"{path}[{i}]"));
                            i++;
                        }

                        break;
                    case "patterns":
                        var j = 0;
                        foreach (var item in Sequence(value, path))
                        {
                            patterns.Add(ReadPattern(Mapping(item, $"{path}[{j}]"), $"{path}[{j}]"));
                            j++;
                        }

                        break;
                    case "reads": reads = Strings(value, path); break;
                    case "writes": writes = Strings(value, path); break;
                    case "pii":
                        foreach (var (listKey, list, listPath, listKeyNode) in Entries(Mapping(value, path), path))
                        {
                            switch (listKey)
                            {
                                case "allow": piiAllow = Strings(list, listPath); break;
                                case "deny": piiDeny = Strings(list, listPath); break;
                                default: throw Unknown(listKey, listPath, listKeyNode, "allow, deny");
                            }
                        }

                        break;
                    default: throw Unknown(key, path, keyNode, "enabled, lane, policy, retry, timeout, severity, rules, paths, prompt, exceptions, patterns, reads, writes, pii");
                }
            }

            return new AgentConfig
            {
                Enabled = enabled, Lane = lane, Policy = policy, Retry = retry, Timeout = timeout, SeverityOverrides = severities,
                RuleToggles = toggles, Paths = paths, Prompt = prompt, Exceptions = exceptions, Patterns = patterns, Reads = reads, Writes = writes,
                PiiAllow = piiAllow, PiiDeny = piiDeny,
            };
        }

        private RuleException ReadException(YamlMappingNode node, string parent)
        {
            string? glob = null, rule = null, reason = null;
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "path": glob = Text(value, path); break;
                    case "rule": rule = Text(value, path); break;
                    case "reason": reason = Text(value, path); break;
                    default: throw Unknown(key, path, keyNode, "path, rule, reason");
                }
            }

            if (glob is null)
            {
                throw Error(node, $"{parent}.path: required (the glob the exception applies to)");
            }

            if (string.IsNullOrWhiteSpace(reason))
            {
                throw Error(node, $"{parent}.reason: required: every exception must say why");
            }

            return new RuleException(new Glob(glob), rule, reason);
        }

        private PatternRule ReadPattern(YamlMappingNode node, string parent)
        {
            string? id = null, regex = null, title = null, message = null;
            var severity = Severity.Medium;
            YamlNode? regexNode = null;
            foreach (var (key, value, path, keyNode) in Entries(node, parent))
            {
                switch (key)
                {
                    case "id": id = Text(value, path); break;
                    case "regex": regex = Text(value, path); regexNode = value; break;
                    case "severity": severity = SeverityValue(value, path); break;
                    case "title": title = Text(value, path); break;
                    case "message": message = Text(value, path); break;
                    default: throw Unknown(key, path, keyNode, "id, regex, severity, title, message");
                }
            }

            if (id is null || regex is null)
            {
                throw Error(node, $"{parent}: a pattern needs 'id' and 'regex'");
            }

            Regex compiled;
            try
            {
                compiled = new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            }
            catch (ArgumentException e)
            {
                throw Error(regexNode!, $"{parent}.regex: not a valid regular expression: {e.Message}");
            }

            return new PatternRule(id, compiled, severity, title ?? id, message ?? $"Matched the pattern '{id}'.");
        }

        public YamlMappingNode Mapping(YamlNode node, string path)
        {
            Count();
            return node as YamlMappingNode ?? throw Error(node, $"{Name(path)}: expected a mapping (key: value), found {Kind(node)}");
        }

        private IEnumerable<YamlNode> Sequence(YamlNode node, string path)
        {
            Count();
            return node as YamlSequenceNode ?? throw Error(node, $"{Name(path)}: expected a list, found {Kind(node)}");
        }

        private IEnumerable<(string Key, YamlNode Value, string Path, YamlNode KeyNode)> Entries(YamlMappingNode node, string parent)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in node.Children)
            {
                Count();
                var key = (keyNode as YamlScalarNode)?.Value ?? throw Error(keyNode, $"{Name(parent)}: keys must be plain text");
                var path = parent.Length == 0 ? key : $"{parent}.{key}";
                if (!seen.Add(key))
                {
                    throw Error(keyNode, $"{path}: duplicate key");
                }

                yield return (key, value, path, keyNode);
            }
        }

        private void Count()
        {
            if (++_nodes > MaxNodes)
            {
                throw new InvalidInputException($"{source}: config has more than {MaxNodes:N0} nodes (alias expansion?); refusing to read it.");
            }
        }

        private string Scalar(YamlNode node, string path, string expected) =>
            node is YamlScalarNode { Value: not null } s ? s.Value : throw Error(node, $"{path}: expected {expected}, found {Kind(node)}");

        private string Text(YamlNode node, string path) => Scalar(node, path, "text");

        private string Url(YamlNode node, string path)
        {
            var text = Text(node, path);
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                ? text
                : throw Error(node, $"{path}: '{Show(text)}' is not an http(s) URL");
        }

        private List<string> Strings(YamlNode node, string path)
        {
            if (node is YamlScalarNode)
            {
                return [Text(node, path)];
            }

            return Sequence(node, path).Select((n, i) => Text(n, $"{path}[{i}]")).ToList();
        }

        private List<Glob> Globs(YamlNode node, string path) => Strings(node, path).Select(p => new Glob(p)).ToList();

        private bool Bool(YamlNode node, string path)
        {
            var text = Scalar(node, path, "true or false");
            return TryBool(text, out var value) ? value : throw Error(node, $"{path}: expected true or false, found '{Show(text)}'");
        }

        /// <summary>YAML 1.1 booleans in any case: true/false, yes/no, on/off.</summary>
        private static bool TryBool(string? text, out bool value)
        {
            switch (text?.ToLowerInvariant())
            {
                case "true" or "yes" or "on":
                    value = true;
                    return true;
                case "false" or "no" or "off":
                    value = false;
                    return true;
                default:
                    value = false;
                    return false;
            }
        }

        private int Int(YamlNode node, string path, int min, int max)
        {
            var text = Scalar(node, path, "a whole number");
            if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                throw Error(node, $"{path}: expected a whole number, found '{Show(text)}'");
            }

            return value >= min && value <= max ? value : throw Error(node, $"{path}: {value} is out of range ({min}..{max})");
        }

        private double Double(YamlNode node, string path, double min, double max)
        {
            var text = Scalar(node, path, "a number");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw Error(node, $"{path}: expected a number, found '{Show(text)}'");
            }

            return value >= min && value <= max ? value : throw Error(node, $"{path}: {value} is out of range ({min}..{max})");
        }

        private TimeSpan Duration(YamlNode node, string path)
        {
            var text = Scalar(node, path, "a duration like 90s or 2m").Trim();
            var match = Regex.Match(text, @"^(\d+(?:\.\d+)?)\s*(ms|s|m)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (!match.Success)
            {
                throw Error(node, $"{path}: expected a duration like 90s, 2m or 500ms, found '{Show(text)}'");
            }

            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var span = match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
            return span > TimeSpan.Zero && span <= TimeSpan.FromHours(1) ? span : throw Error(node, $"{path}: {text} is out of range (more than 0, at most 1h)");
        }

        private Severity SeverityValue(YamlNode node, string path)
        {
            var text = Scalar(node, path, "a severity");
            if (SeverityText.TryParse(text, out var severity) && text == severity.ToText())
            {
                return severity;
            }

            // The published schema lists the values in lower case; the loader accepts exactly what it accepts.
            var hint = SeverityText.TryParse(text, out var near) ? $"; write it in lower case: {near.ToText()}" : "";
            throw Error(node, $"{path}: '{Show(text)}' is not a severity (critical, high, medium, low, info){hint}");
        }

        private T Choice<T>(YamlNode node, string path, params (string Text, T Value)[] choices)
        {
            var text = Scalar(node, path, "one of " + string.Join(", ", choices.Select(c => c.Text)));
            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            var near = choices.FirstOrDefault(c => string.Equals(c.Text, text, StringComparison.OrdinalIgnoreCase)).Text;
            var hint = near is null ? "" : $"; write it in lower case: {near}";
            throw Error(node, $"{path}: '{Show(text)}' is not one of {string.Join(", ", choices.Select(c => c.Text))}{hint}");
        }

        // Reported at the key's line: a block value starts on the line after its key.
        private InvalidInputException Unknown(string key, string path, YamlNode keyNode, string known) =>
            Error(keyNode, $"{path}: unknown key '{Show(key)}' (known here: {known})");

        private InvalidInputException Error(YamlNode node, string message) =>
            new($"{source}:{node.Start.Line}: {message}");

        /// <summary>A value as quoted in a one-line error: no line breaks, at most 60 characters.</summary>
        private static string Show(string? text)
        {
            var flat = (text ?? "").ReplaceLineEndings("\\n");
            return flat.Length <= 60 ? flat : flat[..57] + "...";
        }

        private static string Name(string path) => path.Length == 0 ? "top level" : path;

        private static string Kind(YamlNode node) => node switch
        {
            YamlMappingNode => "a mapping",
            YamlSequenceNode => "a list",
            YamlScalarNode { Value: null or "" } => "nothing",
            YamlScalarNode s => $"'{Show(s.Value)}'",
            _ => "an alias",
        };
    }
}
