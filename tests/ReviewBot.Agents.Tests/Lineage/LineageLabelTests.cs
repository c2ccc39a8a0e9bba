using ReviewBot.Agents.Lineage;

namespace ReviewBot.Agents.Tests.Lineage;

public sealed class LineageLabelTests
{
    [Fact]
    public void Label_LongModelName_EndsAfterAWholeWordWithAnEllipsis()
    {
        var name = "int_marketing_campaign_attribution_touchpoints_by_session_and_channel_daily";

        var label = LineageRules.Label(name);

        Assert.Equal("int_marketing_campaign_attribution_touchpoints_by_session…", label);
        Assert.True(label.Length <= LineageRules.MaxLabel);
    }

    [Fact]
    public void Label_ShortName_Unchanged() => Assert.Equal("stg_orders", LineageRules.Label("stg_orders"));

    [Fact]
    public void Label_LongNameWithoutSeparators_CutWithEllipsis()
    {
        var label = LineageRules.Label(new string('x', 100));

        Assert.Equal(new string('x', LineageRules.MaxLabel - 1) + "…", label);
    }
}
