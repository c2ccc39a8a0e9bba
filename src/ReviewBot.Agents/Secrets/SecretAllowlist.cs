namespace ReviewBot.Agents.Secrets;

/// <summary>
/// Values that look like secrets but are not: references to a secret (templating, env lookups, secret managers,
/// Terraform expressions), placeholders (<c>&lt;your-password&gt;</c>, <c>changeme</c>, <c>****</c>), documented example
/// credentials (AWS's <c>...EXAMPLE</c> keys) and test credentials for a local database.
/// </summary>
internal static class SecretAllowlist
{
    private static readonly HashSet<string> Dummies = new(StringComparer.OrdinalIgnoreCase)
    {
        "none", "null", "nil", "true", "false", "undefined", "changeme", "change_me", "change-me", "changeit", "password", "passwd", "secret", "token",
        "redacted", "example", "xxx", "required", "optional", "str", "string", "int", "bool", "todo", "tbd", "fixme", "empty", "default",
        "your_password", "your-password", "yourpassword", "mypassword", "my_password", "notasecret", "not-a-secret", "dummy", "fake", "test", "secret_key",
        "api_key", "apikey", "access_token", "pass", "pwd", "foo", "bar", "foobar", "placeholder", "sample", "masked", "hidden", "unset",
    };

    /// <summary>
    /// True for a blockchain address (<c>0x</c> + 40 hex digits) or transaction hash (<c>0x</c> + 64): public identifiers
    /// that on-chain projects write by the thousand under keys such as <c>token_address</c>, never credentials.
    /// </summary>
    public static bool IsPublicIdentifier(string value)
    {
        var v = value.Trim().Trim('"', '\'');
        return v.Length is 42 or 66 && v.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && IsHex(v.AsSpan(2));
    }

    private static bool IsHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a value that names or stands in for a secret instead of holding one.</summary>
    public static bool IsPlaceholder(string value)
    {
        var v = value.Trim().Trim('"', '\'', '`').Trim();
        if (v.Length == 0)
        {
            return true;
        }

        var lower = v.ToLowerInvariant();
        if (Dummies.Contains(lower) || lower.All(c => c is 'x' or '*' or '.' or '-' or '_' or '#' or '?' or '0' or ' ' or '•'))
        {
            return true;
        }

        // Templating and references: Jinja/dbt, GitHub Actions, shell/compose, Airflow, Helm, Python %-format, Terraform.
        if (v.Contains("{{", StringComparison.Ordinal) || v.Contains("${", StringComparison.Ordinal) || v.StartsWith('$') || v.StartsWith('<')
            || v.StartsWith("%(", StringComparison.Ordinal) || v.StartsWith('%') || v.StartsWith('@') || v.StartsWith("!!", StringComparison.Ordinal)
            || v.StartsWith('[') || v.StartsWith('{') || v.StartsWith('*') || v.StartsWith('&') || v.StartsWith('!'))
        {
            return true;
        }

        string[] references = ["env_var", "environ", "getenv", "secret(", "secrets.", "vault", "variable.get", "basehook", "keyvault", "ssm:", "secretsmanager", "arn:aws:secretsmanager", "op://"];
        if (references.Any(r => lower.Contains(r, StringComparison.Ordinal)))
        {
            return true;
        }

        string[] prefixes = ["your", "dummy", "fake", "sample", "example", "placeholder", "insert", "enter", "replace", "my-", "my_", "test", "changeme", "change_me", "xxxx", "****",
            "self.", "config.", "settings.", "os.", "args.", "var.", "local.", "data.", "module.", "each.", "params.", "kwargs", "request.", "context.", "conn.", "env.", "cfg.", "options.", "opts."];
        if (prefixes.Any(p => lower.StartsWith(p, StringComparison.Ordinal)))
        {
            return true;
        }

        // A call or a lookup in code (get_password(), creds["pw"]) produces a value; it is not one.
        return v.Contains('(', StringComparison.Ordinal) || (v.Contains('[', StringComparison.Ordinal) && v.EndsWith(']'));
    }

    /// <summary>
    /// True for credentials published as examples: AWS's documentation keys end in <c>EXAMPLE</c>
    /// (<c>AKIAIOSFODNN7EXAMPLE</c>, <c>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</c>), Stripe test-mode keys, and values that
    /// say they are examples.
    /// </summary>
    public static bool IsDocumentedExample(string value) =>
        value.Contains("EXAMPLE", StringComparison.Ordinal) || value.Contains("example", StringComparison.Ordinal)
        || value.StartsWith("sk_test_", StringComparison.Ordinal) || value.StartsWith("rk_test_", StringComparison.Ordinal);

    /// <summary>True for hosts that only exist on the developer's machine or in a test container.</summary>
    public static bool IsLocalHost(string host)
    {
        var h = host.Trim('[', ']').ToLowerInvariant();
        return h is "localhost" or "127.0.0.1" or "0.0.0.0" or "::1" or "host.docker.internal" or "db" or "postgres" or "mysql" or "test" or "testdb"
            || h.EndsWith(".local", StringComparison.Ordinal) || h.EndsWith(".localhost", StringComparison.Ordinal) || h.EndsWith(".test", StringComparison.Ordinal)
            || h.EndsWith(".example", StringComparison.Ordinal) || h.EndsWith("example.com", StringComparison.Ordinal) || h.EndsWith("example.org", StringComparison.Ordinal)
            || h.StartsWith("127.", StringComparison.Ordinal);
    }
}
