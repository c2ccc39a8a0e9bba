namespace ReviewBot.App.Webhooks;

/// <summary>A signed delivery that cannot be taken; answered with <see cref="StatusCode"/> and the message as the reason.</summary>
internal sealed class WebhookRejectedException(int statusCode, string reason) : Exception(reason)
{
    public int StatusCode { get; } = statusCode;
}
