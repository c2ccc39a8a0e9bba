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

await app.RunAsync().ConfigureAwait(false);
return 0;
