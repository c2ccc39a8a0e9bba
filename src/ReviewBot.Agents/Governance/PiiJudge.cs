using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Governance;

/// <summary>What is known about one column when deciding whether it holds personal data.</summary>
/// <param name="Model">The model (or table) name.</param>
/// <param name="Column">The column name.</param>
/// <param name="DataType">The declared type (YAML <c>data_type</c>) or the type of a cast in its SQL, when known.</param>
/// <param name="Siblings">The other column names of the model: they tell its domain (on-chain, infrastructure).</param>
/// <param name="Meta">The column's YAML meta (flattened), if documented.</param>
internal sealed record PiiColumn(string Model, string Column, string? DataType, IReadOnlyCollection<string> Siblings, IReadOnlyDictionary<string, string>? Meta);

/// <summary>Why a column was judged personal: the kind (<c>email</c>, <c>address</c>...) and a sentence a reviewer can check.</summary>
internal sealed record PiiVerdict(string Kind, string Why);

/// <summary>
/// Decides whether a column holds personal data from more than its name: the whole name tokens
/// (<see cref="PiiNames.Match"/>), what the tokens around the PII word say (a <c>contract_address</c> or
/// <c>server_ip</c> names a machine, <c>is_email_verified</c> or <c>enable_email_invites</c> a flag), the data
/// type (a boolean, a number or an array is not an email or a postal address), the model's domain (a model with
/// <c>tx_hash</c> and <c>block_number</c> holds blockchain addresses), explicit YAML meta (<c>contains_pii: false</c>),
/// and the configured <c>pii.allow</c> / <c>pii.deny</c> lists, which win over everything.
/// </summary>
internal static partial class PiiJudge
{
    // Tokens before "address" that make it a machine or ledger address, not where a person lives.
    private static readonly HashSet<string> NonPostalQualifiers = new(StringComparer.Ordinal)
    {
        "contract", "token", "trace", "pool", "router", "vault", "wallet", "pair", "factory", "proxy", "deployer", "smart", "tx", "lp", "nft", "call", "evt",
        "multisig", "validator", "relayer", "implementation", "gauge", "oracle", "erc20", "erc721", "erc1155", "mac", "server", "host", "node", "memory",
        "ip", "ipv4", "ipv6", "web", "url", "email", "bridge", "treasury", "aggregator", "spender", "signer",
    };

    // Tokens before "ip" that make it infrastructure, not a visitor's address.
    private static readonly HashSet<string> MachineQualifiers = new(StringComparer.Ordinal)
    {
        "server", "host", "node", "router", "gateway", "proxy", "balancer", "lb", "instance", "cluster", "vpc", "subnet", "nat", "dns", "db", "database",
        "service", "pod", "container", "vm", "machine", "internal", "private", "bind", "listen", "peer", "smtp", "ldap", "cidr",
    };

    // A first (or last) token that makes the column a setting or a flag about the PII thing, not the thing.
    private static readonly HashSet<string> FlagPrefixes = new(StringComparer.Ordinal)
    {
        "is", "has", "isdefault", "enable", "enabled", "disable", "disabled", "allow", "allowed", "require", "required", "use", "uses", "show", "should", "can",
        "send", "sends", "num", "n", "total", "pct", "percent", "ratio", "avg", "sum", "min", "max",
    };

    private static readonly HashSet<string> FlagSuffixes = new(StringComparer.Ordinal)
    {
        "enabled", "disabled", "allowed", "required", "attribute", "attr", "setting", "settings", "option", "options", "config", "field", "label",
        "invitations", "invites", "notifications", "notification", "preference", "preferences", "visibility", "visible", "kind", "source", "sources",
    };

    // Columns that place a model in on-chain analytics: its "address" columns are public ledger addresses.
    private static readonly HashSet<string> OnChainMarkers = new(StringComparer.OrdinalIgnoreCase)
    {
        "tx_hash", "evt_tx_hash", "call_tx_hash", "block_number", "block_time", "block_date", "block_month", "evt_block_time", "evt_block_number",
        "call_block_time", "evt_index", "log_index", "blockchain", "chain_id", "contract_address", "token_address", "gas_used", "trace_address", "tx_from", "tx_to",
    };

    // Kinds a non-text type rules out: a boolean is never an email, an integer array never a postal address.
    private static readonly HashSet<string> TextOnlyKinds = new(StringComparer.Ordinal)
    {
        "email", "e_mail", "address", "street", "first_name", "last_name", "full_name", "surname", "maiden_name", "passport", "iban",
    };

    /// <summary>The verdict for <paramref name="column"/>, or null when it is not judged personal.</summary>
    public static PiiVerdict? Judge(PiiColumn column, IReadOnlyList<string> allow, IReadOnlyList<string> deny)
    {
        if (deny.FirstOrDefault(p => Matches(p, column)) is { } denied)
        {
            return new PiiVerdict("listed", $"the config lists it as personal data (`pii.deny: {denied}`)");
        }

        if (allow.Any(p => Matches(p, column)) || ExplicitlyNotPii(column.Meta))
        {
            return null;
        }

        if (PiiNames.Match(column.Column) is not { } kind)
        {
            return null;
        }

        var tokens = PiiNames.Tokens(column.Column);
        var first = kind.Split('_')[0];
        var at = tokens.IndexOf(first);
        var before = at > 0 ? tokens[..at] : [];
        if (FlagPrefixes.Contains(tokens[0]) || FlagSuffixes.Contains(tokens[^1]))
        {
            return null;
        }

        if (kind == "address" && (before.Any(NonPostalQualifiers.Contains) || column.Siblings.Any(OnChainMarkers.Contains)))
        {
            return null;
        }

        if (kind == "ip" && before.Any(MachineQualifiers.Contains))
        {
            return null;
        }

        var type = NormaliseType(column.DataType);
        if (type is "boolean" || (type is "number" or "array" && TextOnlyKinds.Contains(kind)))
        {
            return null;
        }

        var why = $"its name contains `{string.Join('_', kind.Split('_'))}` ({Describe(kind)})";
        why += type is null ? ", its data type is not known" : $", its type is {column.DataType}";
        why += ", and no YAML meta or `pii.allow` entry says otherwise";
        return new PiiVerdict(kind, why);
    }

    /// <summary>The type of a cast in a SELECT expression (<c>cast(x as boolean)</c>, <c>x::int</c>), or null.</summary>
    public static string? CastType(string expression)
    {
        var match = CastRegex().Match(expression);
        return match.Success ? match.Groups["t"].Value : null;
    }

    private static string Describe(string kind) => kind switch
    {
        "email" or "e_mail" => "an email address",
        "address" => "a postal address",
        "ip" => "an IP address",
        "phone" or "mobile" or "msisdn" => "a phone number",
        "ssn" or "social_security" => "a social security number",
        _ => kind.Replace('_', ' '),
    };

    private static bool ExplicitlyNotPii(IReadOnlyDictionary<string, string>? meta) =>
        meta is not null && meta.Any(kv => kv.Key.ToLowerInvariant() is "contains_pii" or "pii" or "is_pii" or "personal_data" && kv.Value.Equals("false", StringComparison.OrdinalIgnoreCase));

    private static string? NormaliseType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var t = type.Trim().ToLowerInvariant();
        if (t.StartsWith("array", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal))
        {
            return "array";
        }

        if (t is "bool" or "boolean")
        {
            return "boolean";
        }

        return t.StartsWith("int", StringComparison.Ordinal) || t.StartsWith("bigint", StringComparison.Ordinal) || t.StartsWith("smallint", StringComparison.Ordinal)
            || t.StartsWith("tinyint", StringComparison.Ordinal) || t.StartsWith("numeric", StringComparison.Ordinal) || t.StartsWith("decimal", StringComparison.Ordinal)
            || t.StartsWith("number", StringComparison.Ordinal) || t.StartsWith("float", StringComparison.Ordinal) || t.StartsWith("double", StringComparison.Ordinal)
            || t.StartsWith("uint", StringComparison.Ordinal)
            ? "number"
            : "text";
    }

    private static bool Matches(string pattern, PiiColumn column)
    {
        var target = pattern.Contains('.', StringComparison.Ordinal) ? $"{column.Model}.{column.Column}" : column.Column;
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(target, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    }

    [GeneratedRegex(@"(?:\bas\s+(?<t>[a-z_][a-z0-9_]*(?:\s*<[^>]*>)?(?:\s*\[\])?)\s*\)|::\s*(?<t>[a-z_][a-z0-9_]*(?:\[\])?))\s*(?:as\s+[a-z_""`][\w""`]*\s*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CastRegex();
}
