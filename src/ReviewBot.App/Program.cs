using System.Collections;
using ReviewBot.App;
using ReviewBot.App.Options;

var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

WebApplication app;
try
{
    app = ReviewBotApp.Build(args, environment);
}
catch (AppSettingsException e)
{
    await Console.Error.WriteLineAsync("reviewbot-app: error: " + e.Message).ConfigureAwait(false);
    return 2;
}
catch (Exception e) when (e is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync("reviewbot-app: error: the server could not be set up: " + StartupFailure.Describe(e)).ConfigureAwait(false);
    return 2;
}

// Every start-up failure (a port already in use, an address that cannot be bound, a bad --urls) is one line and exit 2,
// as for bad settings: an operator reads the reason, not a stack trace.
try
{
    await app.StartAsync().ConfigureAwait(false);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync("reviewbot-app: error: the server could not start: " + StartupFailure.Describe(e)).ConfigureAwait(false);
    await app.DisposeAsync().ConfigureAwait(false);
    return 2;
}

await app.WaitForShutdownAsync().ConfigureAwait(false);
await app.DisposeAsync().ConfigureAwait(false);
return 0;
