using ReviewBot.Agents.Context.Dbt;

namespace ReviewBot.Agents.Governance;

/// <summary>
/// Recognises personal data by whole name tokens (<c>customer_email</c>, <c>dateOfBirth</c>), never by
/// substring (<c>emailed_at</c>, <c>shipping_addressable</c> are not PII), and knows the metadata that
/// marks a column as handled (<c>contains_pii</c>, masking policies, policy tags).
/// </summary>
internal static class PiiNames
{
    private static readonly string[][] Sequences =
    [
        ["email"], ["e", "mail"], ["phone"], ["mobile"], ["msisdn"], ["ssn"], ["social", "security"], ["date", "of", "birth"], ["dob"], ["birthdate"],
        ["birth", "date"], ["birthday"], ["address"], ["street"], ["postcode"], ["zipcode"], ["zip", "code"], ["postal", "code"], ["ip"],
        ["credit", "card"], ["card", "number"], ["cc", "number"], ["pan"], ["cvv"], ["passport"], ["iban"], ["bank", "account"], ["national", "id"],
        ["tax", "id"], ["nino"], ["drivers", "license"], ["driver", "license"], ["first", "name"], ["last", "name"], ["full", "name"], ["surname"],
        ["maiden", "name"],
    ];

    // Derived, non-identifying columns that contain a PII token.
    private static readonly HashSet<string> Neutralisers = new(StringComparer.Ordinal)
    {
        "hash", "hashed", "sha", "sha1", "sha256", "md5", "masked", "encrypted", "tokenized", "count", "cnt", "domain", "verified", "valid", "is", "has",
        "flag", "type", "status", "opt", "optin", "consent", "bounced", "provider", "format", "country", "region", "changed", "updated", "at", "sent",
        "opened", "clicked", "template", "campaign", "length", "pattern",
    };

    private static readonly HashSet<string> KeySuffixes = new(StringComparer.Ordinal) { "id", "key", "sk", "pk", "fk" };

    private static readonly string[] TagMetaKeys =
        ["contains_pii", "pii", "is_pii", "has_pii", "sensitive", "personal_data", "gdpr", "masking_policy", "masking", "policy_tag", "policy_tags", "classification", "data_classification", "sensitivity"];

    private static readonly string[] MaskingFunctions =
        ["sha2(", "sha256(", "sha1(", "md5(", "hash(", "mask(", "redact", "encrypt", "tokeniz", "hmac", "farm_fingerprint(", "{{ mask", "{{mask", "pseudonym", "anonymi"];

    /// <summary>The PII kind a column name denotes (e.g. <c>email</c>), or null.</summary>
    public static string? Match(string columnName)
    {
        var tokens = Tokens(columnName);
        if (tokens.Count == 0 || tokens.Any(Neutralisers.Contains) || (tokens.Count > 1 && KeySuffixes.Contains(tokens[^1])))
        {
            return null;
        }

        foreach (var sequence in Sequences)
        {
            for (var i = 0; i + sequence.Length <= tokens.Count; i++)
            {
                var match = true;
                for (var j = 0; j < sequence.Length && match; j++)
                {
                    match = tokens[i + j] == sequence[j];
                }

                if (match)
                {
                    return string.Join('_', sequence);
                }
            }
        }

        return null;
    }

    /// <summary>Lower-case name tokens: split on <c>_</c>, <c>-</c>, <c>.</c>, spaces and camelCase humps.</summary>
    public static List<string> Tokens(string name)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            if (char.IsUpper(c) && current.Length > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                Flush();
            }

            current.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }
    }

    /// <summary>True when the metadata marks the data as PII-handled (tagged, masked or policy-tagged).</summary>
    public static bool IsTagged(IReadOnlyDictionary<string, string> meta, IReadOnlyList<string> tags, IReadOnlyList<string> policyTags)
    {
        if (policyTags.Count > 0)
        {
            return true;
        }

        foreach (var (key, value) in meta)
        {
            var k = key.ToLowerInvariant();
            if (TagMetaKeys.Any(t => k == t || k.EndsWith("." + t, StringComparison.Ordinal) || k.StartsWith(t + ".", StringComparison.Ordinal))
                && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                return true;
            }
        }

        return tags.Any(t => t.ToLowerInvariant() is "pii" or "sensitive" or "gdpr" or "personal" or "personal_data" or "confidential" or "restricted");
    }

    public static bool IsTagged(DbtColumn column) => IsTagged(column.Meta, column.Tags, column.PolicyTags);

    /// <summary>True when a SQL expression masks or hashes its input.</summary>
    public static bool IsMaskedExpression(string expression) =>
        MaskingFunctions.Any(f => expression.Contains(f, StringComparison.OrdinalIgnoreCase));
}
