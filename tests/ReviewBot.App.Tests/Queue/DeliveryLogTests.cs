using ReviewBot.App.Queue;

namespace ReviewBot.App.Tests.Queue;

public sealed class DeliveryLogTests
{
    [Fact]
    public void TryRecord_SameIdTwice_SecondIsRefused()
    {
        var log = new DeliveryLog(100);

        Assert.True(log.TryRecord("a"));
        Assert.False(log.TryRecord("a"));
    }

    [Fact]
    public void TryRecord_BeyondCapacity_ForgetsTheOldestAndStaysBounded()
    {
        var log = new DeliveryLog(100);
        for (var i = 0; i < 250; i++)
        {
            log.TryRecord($"d{i}");
        }

        Assert.Equal(100, log.Count);
        Assert.True(log.TryRecord("d0"));
        Assert.False(log.TryRecord("d249"));
    }

    [Fact]
    public void Forget_RecordedId_CanBeRecordedAgain()
    {
        var log = new DeliveryLog(100);
        log.TryRecord("a");

        log.Forget("a");

        Assert.True(log.TryRecord("a"));
    }
}
