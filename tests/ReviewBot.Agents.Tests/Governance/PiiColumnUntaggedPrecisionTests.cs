using ReviewBot.Agents.Governance;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Governance;

/// <summary>
/// False alarms of <c>pii-column-untagged</c> measured on real projects (ledger addresses, settings flags,
/// infrastructure IPs), each with the case that must still be found next to it.
/// </summary>
public sealed class PiiColumnUntaggedPrecisionTests
{
    private static readonly string[] NoSiblings = [];

    [Theory]
    [InlineData("contract_address")]
    [InlineData("token_address")]
    [InlineData("call_trace_address")]
    [InlineData("pool_address")]
    [InlineData("server_ip")]
    [InlineData("isdefault_email_attribute_ldap")]
    [InlineData("enable_email_invitations")]
    [InlineData("is_email_verified")]
    [InlineData("email_enabled")]
    public void Judge_MachineAddressesAndSettingFlags_NotPersonal(string column) =>
        Assert.Null(PiiJudge.Judge(new PiiColumn("m", column, null, NoSiblings, null), [], []));

    [Theory]
    [InlineData("customer_email", "email")]
    [InlineData("shipping_address", "address")]
    [InlineData("user_address", "address")]
    [InlineData("visitor_ip", "ip")]
    [InlineData("first_name", "first_name")]
    public void Judge_PersonalNames_JudgedWithTheReason(string column, string kind)
    {
        var verdict = PiiJudge.Judge(new PiiColumn("m", column, null, NoSiblings, null), [], []);

        Assert.NotNull(verdict);
        Assert.Equal(kind, verdict.Kind);
        Assert.Contains($"its name contains `{kind}`", verdict.Why, StringComparison.Ordinal);
        Assert.Contains("data type is not known", verdict.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_AddressInAModelOfBlockchainEvents_NotPersonal()
    {
        // "from_address" alone could be a shipping address; next to tx_hash and block_number it is a ledger address.
        Assert.NotNull(PiiJudge.Judge(new PiiColumn("transfers", "from_address", null, ["id", "created_at"], null), [], []));
        Assert.Null(PiiJudge.Judge(new PiiColumn("transfers", "from_address", null, ["tx_hash", "block_number", "amount"], null), [], []));
    }

    [Theory]
    [InlineData("trace_address_path", "array(bigint)")]
    [InlineData("home_address", "ARRAY<INT64>")]
    [InlineData("email", "boolean")]
    [InlineData("last_name", "integer")]
    public void Judge_TypeRulesItOut_NotPersonal(string column, string type) =>
        Assert.Null(PiiJudge.Judge(new PiiColumn("m", column, type, NoSiblings, null), [], []));

    [Fact]
    public void Judge_TextTypeKnown_ReasonNamesTheType()
    {
        var verdict = PiiJudge.Judge(new PiiColumn("m", "email", "varchar", NoSiblings, null), [], []);

        Assert.Contains("its type is varchar", verdict!.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_MetaSaysNotPii_NotPersonal() =>
        Assert.Null(PiiJudge.Judge(new PiiColumn("m", "billing_address", null, NoSiblings, new Dictionary<string, string> { ["contains_pii"] = "false" }), [], []));

    [Fact]
    public void Judge_AllowAndDenyLists_WinOverTheName()
    {
        Assert.Null(PiiJudge.Judge(new PiiColumn("dim_sites", "site_address", null, NoSiblings, null), ["*_address"], []));
        Assert.Null(PiiJudge.Judge(new PiiColumn("dim_sites", "site_address", null, NoSiblings, null), ["dim_sites.site_address"], []));
        Assert.NotNull(PiiJudge.Judge(new PiiColumn("dim_people", "site_address", null, NoSiblings, null), ["dim_sites.*"], []));
        var denied = PiiJudge.Judge(new PiiColumn("m", "handle", null, NoSiblings, null), [], ["handle"]);
        Assert.Equal("listed", denied!.Kind);
        Assert.Contains("pii.deny: handle", denied.Why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cast(flag as boolean)", "boolean")]
    [InlineData("raw:trace::array(bigint)", null)]
    [InlineData("payload:ip::varchar", "varchar")]
    [InlineData("lower(email)", null)]
    [InlineData("cast(has_phone as boolean) as phone_on_file", "boolean")]
    public void CastType_ReadsTheTargetType(string expression, string? type) =>
        Assert.Equal(type, PiiJudge.CastType(expression));

    [Fact]
    public async Task PiiColumnUntagged_LedgerModelWithAddresses_NoFinding()
    {
        var result = await Review.RunAsync(("models/staging/stg_token_transfers.sql",
            "select\n    tx_hash,\n    block_number,\n    contract_address,\n    from_address,\n    to_address,\n    trace_address\nfrom {{ source('shop', 'orders') }}\n"));

        result.None("pii-column-untagged");
    }

    [Fact]
    public async Task PiiColumnUntagged_SettingsFlagsAndServerIp_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n",
            "        status,\n        server_ip,\n        isdefault_email_attribute_ldap,\n        enable_email_invitations,\n        cast(has_phone as boolean) as phone_on_file\n"));

        result.None("pii-column-untagged");
    }

    [Fact]
    public async Task PiiColumnUntagged_PersonalColumn_MessageSaysWhyAndHowToOptOut()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        shipping_address\n"));

        var finding = result.Single("pii-column-untagged");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("judged personal data because its name contains `address` (a postal address)", finding.Message, StringComparison.Ordinal);
        Assert.Contains("contains_pii: false", finding.Message, StringComparison.Ordinal);
        Assert.Contains("agents.governance.pii.allow", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PiiColumnUntagged_ConfigAllowList_NoFinding()
    {
        var config = ConfigLoader.Parse("agents:\n  governance:\n    pii:\n      allow: [\"shipping_*\"]\n", ".github/reviewbot.yml");
        var change = Review.Shop(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        shipping_address\n"));

        var result = await Review.RunAsync(change, config);

        result.None("pii-column-untagged");
        Assert.Equal(["shipping_*"], config.AgentSettings(Core.Agents.AgentName.Governance).PiiAllow);
    }

    [Fact]
    public async Task PiiColumnUntagged_ConfigDenyList_FoundWithTheListAsReason()
    {
        var config = ConfigLoader.Parse("agents:\n  governance:\n    pii:\n      deny: [stg_orders.loyalty_handle]\n", ".github/reviewbot.yml");
        var change = Review.Shop(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        loyalty_handle\n"));

        var result = await Review.RunAsync(change, config);

        Assert.Contains("pii.deny: stg_orders.loyalty_handle", result.Single("pii-column-untagged").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigLoader_UnknownPiiKey_ErrorNamesTheKey()
    {
        var error = Assert.ThrowsAny<Exception>(() => ConfigLoader.Parse("agents:\n  governance:\n    pii:\n      alow: [x]\n", ".github/reviewbot.yml"));

        Assert.Contains("alow", error.Message, StringComparison.Ordinal);
    }
}
