using System.Collections;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;

namespace ReviewBot.Llm;

/// <summary>
/// Builds the run's <see cref="ILanguageModel"/> from the <c>llm:</c> config and the environment, and validates
/// the settings at start-up with a message that names the missing or bad variable.
/// </summary>
/// <remarks>
/// <para>Sources, first non-empty wins: the Action input (<c>INPUT_AZURE_OPENAI_ENDPOINT</c>), the environment
/// variable (<c>AZURE_OPENAI_ENDPOINT</c>), then the config (<c>llm.endpoint</c>). Secrets come only from the
/// environment. Empty values count as unset (GitHub sets unset Action inputs to "").</para>
/// <para>Azure OpenAI: <c>AZURE_OPENAI_ENDPOINT</c>, <c>AZURE_OPENAI_DEPLOYMENT</c>, <c>AZURE_OPENAI_API_KEY</c>
/// (optional: without it the client authenticates with Entra ID), <c>AZURE_OPENAI_API_VERSION</c> (optional).
/// OpenAI-compatible: <c>OPENAI_BASE_URL</c>, <c>OPENAI_MODEL</c>, <c>OPENAI_API_KEY</c>.</para>
/// <para>No model (rules only) when the provider is <c>none</c> (the default) — except that the Action input
/// <c>azure_openai_endpoint</c> (<c>INPUT_AZURE_OPENAI_ENDPOINT</c>) selects Azure OpenAI, and <c>openai_base_url</c>
/// (<c>INPUT_OPENAI_BASE_URL</c>) the OpenAI-compatible provider, even without an <c>llm:</c> section; a plain
/// <c>AZURE_OPENAI_ENDPOINT</c> or <c>OPENAI_BASE_URL</c> in the environment does not — or when a provider is
/// configured but none of its settings is set anywhere (e.g. a fork PR without secrets).
/// Some but not all settings: <see cref="InvalidInputException"/>.</para>
/// </remarks>
public static class LanguageModelFactory
{
    /// <summary>The model for <paramref name="config"/>, or null when no LLM is configured.</summary>
    public static ILanguageModel? Create(LlmConfig config, IReadOnlyDictionary<string, string?> environment) =>
        Create(config, environment, httpClient: null);

    /// <summary>
    /// As <see cref="Create(LlmConfig, IReadOnlyDictionary{string, string?})"/>, sending through
    /// <paramref name="httpClient"/> (tests and benchmarks point it, or the endpoint, at loopback). The model keeps
    /// this one client for all its calls; the caller owns it.
    /// </summary>
    public static ILanguageModel? Create(LlmConfig config, IReadOnlyDictionary<string, string?> environment, HttpClient? httpClient, TimeProvider? time = null)
    {
        var settings = ResolveSettings(config, environment);
        return settings is null ? null : Create(settings, httpClient, time);
    }

    /// <summary>The model for already resolved settings.</summary>
    public static ILanguageModel Create(LlmSettings settings, HttpClient? httpClient = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Provider switch
        {
            LlmProvider.AzureOpenAI => new AzureOpenAiLanguageModel(settings, httpClient, time),
            LlmProvider.OpenAICompatible => new OpenAiCompatibleLanguageModel(settings, httpClient, time),
            _ => throw new ArgumentException($"Provider {settings.Provider} has no model.", nameof(settings)),
        };
    }

    /// <summary>The process environment as a dictionary, for <see cref="Create(LlmConfig, IReadOnlyDictionary{string, string?})"/>.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }

    /// <summary>Resolves and validates the settings; null when no LLM is configured. Throws <see cref="InvalidInputException"/> on partial or bad settings.</summary>
    public static LlmSettings? ResolveSettings(LlmConfig config, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        var provider = config.Provider;
        if (provider == LlmProvider.None)
        {
            // Only the Action input selects a provider on its own: the workflow author passed it to ReviewBot on
            // purpose. An ambient AZURE_OPENAI_ENDPOINT in a developer's shell must not start sending code anywhere.
            if (environment.TryGetValue("INPUT_AZURE_OPENAI_ENDPOINT", out var azure) && Blank(azure) is not null)
            {
                provider = LlmProvider.AzureOpenAI;
            }
            else if (environment.TryGetValue("INPUT_OPENAI_BASE_URL", out var openAi) && Blank(openAi) is not null)
            {
                provider = LlmProvider.OpenAICompatible;
            }
            else
            {
                return null;
            }
        }

        return provider == LlmProvider.AzureOpenAI ? ResolveAzure(config, environment) : ResolveOpenAiCompatible(config, environment);
    }

    /// <summary>True when neither the environment nor the Action inputs carry any of the provider's variables.</summary>
    private static bool NoSecretsIn(IReadOnlyDictionary<string, string?> environment, string prefix) =>
        !environment.Any(e => Blank(e.Value) is not null
            && (e.Key.StartsWith(prefix, StringComparison.Ordinal) || e.Key.StartsWith("INPUT_" + prefix, StringComparison.OrdinalIgnoreCase)));

    private static LlmSettings? ResolveAzure(LlmConfig config, IReadOnlyDictionary<string, string?> environment)
    {
        var endpoint = Lookup(environment, "AZURE_OPENAI_ENDPOINT") ?? Blank(config.Endpoint);
        var deployment = Lookup(environment, "AZURE_OPENAI_DEPLOYMENT") ?? Blank(config.Deployment);
        var key = Lookup(environment, "AZURE_OPENAI_API_KEY");
        var apiVersion = Lookup(environment, "AZURE_OPENAI_API_VERSION") ?? Blank(config.ApiVersion);
        if (endpoint is null && deployment is null && key is null)
        {
            return null;
        }

        if (endpoint is null && NoSecretsIn(environment, "AZURE_OPENAI_"))
        {
            // The committed config names the deployment, but this run has no endpoint or key (a fork PR, a
            // developer without the secrets): rules only, not a failed run.
            return null;
        }

        if (endpoint is null)
        {
            throw Missing("AZURE_OPENAI_ENDPOINT", "llm.endpoint", "azure_openai_endpoint", "the Azure OpenAI resource endpoint, e.g. https://NAME.openai.azure.com/");
        }

        if (deployment is null)
        {
            throw Missing("AZURE_OPENAI_DEPLOYMENT", "llm.deployment", "azure_openai_deployment", "the name of the chat model deployment");
        }

        _ = AzureOpenAiLanguageModel.ServiceVersionOf(apiVersion);
        return new LlmSettings
        {
            Provider = LlmProvider.AzureOpenAI,
            Endpoint = ParseEndpoint(endpoint, "AZURE_OPENAI_ENDPOINT"),
            Deployment = deployment,
            ApiKey = key,
            ApiVersion = apiVersion,
        };
    }

    private static LlmSettings? ResolveOpenAiCompatible(LlmConfig config, IReadOnlyDictionary<string, string?> environment)
    {
        var endpoint = Lookup(environment, "OPENAI_BASE_URL") ?? Blank(config.Endpoint);
        var model = Lookup(environment, "OPENAI_MODEL") ?? Blank(config.Deployment);
        var key = Lookup(environment, "OPENAI_API_KEY");
        if (endpoint is null && model is null && key is null)
        {
            return null;
        }

        if (endpoint is null && NoSecretsIn(environment, "OPENAI_"))
        {
            return null;
        }

        if (endpoint is null)
        {
            throw Missing("OPENAI_BASE_URL", "llm.endpoint", "openai_base_url", "the base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1");
        }

        if (model is null)
        {
            throw Missing("OPENAI_MODEL", "llm.deployment", "openai_model", "the model name");
        }

        if (key is null)
        {
            throw Missing("OPENAI_API_KEY", null, "openai_api_key", "the API key (any non-empty value for servers that ignore it)");
        }

        return new LlmSettings
        {
            Provider = LlmProvider.OpenAICompatible,
            Endpoint = ParseEndpoint(endpoint, "OPENAI_BASE_URL"),
            Deployment = model,
            ApiKey = key,
        };
    }

    private static Uri ParseEndpoint(string value, string variable)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidInputException($"{variable} (or llm.endpoint) '{value}' is not an absolute http(s) URL.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new InvalidInputException($"{variable} (or llm.endpoint) must not carry credentials in the URL: put the key in the API key variable.");
        }

        return uri;
    }

    private static InvalidInputException Missing(string variable, string? configKey, string? actionInput, string what)
    {
        var alternatives = new List<string>();
        if (configKey is not null)
        {
            alternatives.Add($"{configKey} in .github/reviewbot.yml");
        }

        if (actionInput is not null)
        {
            alternatives.Add($"the {actionInput} action input");
        }

        var or = alternatives.Count == 0 ? "" : $" (or {string.Join(", or ", alternatives)})";
        return new InvalidInputException($"LLM settings are incomplete: {variable} is not set{or}; it must be {what}. Set it, or remove the other LLM settings to run rules only.");
    }

    /// <summary>
    /// Why <see cref="Create(LlmConfig, IReadOnlyDictionary{string, string?})"/> built no model although
    /// <paramref name="config"/> names a provider, as the settings a user sets; null when a provider has what it needs
    /// or none is configured. Used to say exactly what is missing when <c>llm.can_block</c> makes the LLM pass part of the gate.
    /// </summary>
    public static string? MissingSettings(LlmConfig config, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        var (endpoint, endpointInput, key, keyInput) = config.Provider switch
        {
            LlmProvider.AzureOpenAI => ("AZURE_OPENAI_ENDPOINT", "azure_openai_endpoint", "AZURE_OPENAI_API_KEY", "azure_openai_api_key"),
            LlmProvider.OpenAICompatible => ("OPENAI_BASE_URL", "openai_base_url", "OPENAI_API_KEY", "openai_api_key"),
            _ => default,
        };
        if (endpoint is null)
        {
            return null;
        }

        var missing = new List<string>();
        if (Lookup(environment, endpoint) is null && Blank(config.Endpoint) is null)
        {
            missing.Add($"{endpoint} (the {endpointInput} action input, or llm.endpoint)");
        }

        if (Lookup(environment, key) is null)
        {
            missing.Add($"{key} (the {keyInput} action input)");
        }

        return missing.Count == 0 ? null : $"{string.Join(" and ", missing)} not set";
    }

    /// <summary>The Action input (<c>INPUT_NAME</c>) or the variable itself; empty counts as unset.</summary>
    private static string? Lookup(IReadOnlyDictionary<string, string?> environment, string name) =>
        (environment.TryGetValue("INPUT_" + name, out var input) ? Blank(input) : null)
        ?? (environment.TryGetValue(name, out var value) ? Blank(value) : null);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
