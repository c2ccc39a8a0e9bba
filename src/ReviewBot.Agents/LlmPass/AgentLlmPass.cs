using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// The LLM pass of one agent. It sends the model the agent's role prompt (an embedded file), the agent's slice of
/// the change redacted and fenced as untrusted data, and the rule findings not to repeat; asks for JSON findings
/// against a schema; and keeps only findings that point at a changed line the model was shown.
/// </summary>
/// <remarks>
/// <para>Failures never throw (except cancellation): they degrade the agent with a reason, and the rule findings
/// stand. Malformed output gets one repair retry with the error sent back. An <see cref="LlmException"/> stops the
/// pass: its reason names the fix for 401/404, "shed by budget" when the run's budget refused the call.</para>
/// <para>One instance may serve every agent of a run: the agent is the one given to the constructor, else
/// <see cref="AgentContext.Agent"/>, else the agent whose config section is <see cref="AgentContext.Settings"/>,
/// else the agent of the rule findings; an agent that cannot be told gets the generic role.</para>
/// <para>The pass does not retry, wait or meter: <see cref="AgentContext.Llm"/> is already wrapped by the
/// orchestrator's shared rate limiter and budget, which see every call's estimate and usage.</para>
/// </remarks>
public sealed class AgentLlmPass : IAgentLlmPass
{
    private readonly AgentName? _agent;
    private readonly AgentLlmPassOptions _options;

    /// <summary>A pass shared by all agents of a run; each call finds its agent from the context.</summary>
    public AgentLlmPass()
        : this(null, null)
    {
    }

    /// <summary>A pass shared by all agents of a run, with <paramref name="options"/>.</summary>
    public AgentLlmPass(AgentLlmPassOptions options)
        : this(null, options)
    {
    }

    /// <summary>A pass bound to <paramref name="agent"/>.</summary>
    public AgentLlmPass(AgentName? agent, AgentLlmPassOptions? options = null)
    {
        _agent = agent;
        _options = options ?? AgentLlmPassOptions.Default;
        _options.Validate();
    }

    public async Task<LlmPassResult> RunAsync(AgentContext context, IReadOnlyList<FileChange> slice, IReadOnlyList<Finding> ruleFindings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(ruleFindings);
        if (context.Llm is not { } llm)
        {
            return new LlmPassResult([]);
        }

        var agent = AgentOf(context, ruleFindings);
        var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var system = SystemPrompt(agent, boundary, context.Settings.Prompt);
        var known = KnownFindings(ruleFindings);
        var overhead = system.Length + PromptLibrary.FindingsSchema.Length + UserPrompt(boundary, 1, 1, known, "").Length;
        var available = Math.Max(1_000, (_options.MaxPromptTokensPerCall * 4) - overhead);
        var focus = _options.Focus ?? LlmFocus.Includes;
        var plan = SlicePlanner.Plan(slice.Where(f => focus(agent, f)).ToList(), ruleFindings, available, _options);

        var findings = new List<Finding>();
        var notSeen = new List<SkippedFile>(plan.NotSeen);
        var dropped = 0;
        string? degraded = null;
        for (var i = 0; i < plan.Calls.Count; i++)
        {
            var call = plan.Calls[i];
            var files = call.Files.Select(f => f.File.Path).ToHashSet(StringComparer.Ordinal);
            var user = UserPrompt(boundary, i + 1, plan.Calls.Count, KnownFindings(ruleFindings.Where(f => files.Contains(f.File)).ToList()), call.Text);
            var outcome = await CallAsync(llm, system, user, context.Config.Llm.MaxOutputTokens, cancellationToken).ConfigureAwait(false);
            if (outcome.Findings is { } raw)
            {
                findings.AddRange(LlmFindingReader.Validate(agent ?? Unknown, raw, call, _options, out var droppedHere));
                dropped += droppedHere;
                continue;
            }

            degraded = i == 0 ? outcome.Failure : $"{outcome.Failure} ({findings.Count} LLM finding(s) kept from earlier calls)";
            var seenBefore = plan.Calls.Take(i).SelectMany(c => c.Files).Select(f => f.File.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var path in plan.Calls.Skip(i).SelectMany(c => c.Files).Select(f => f.File.Path).Distinct(StringComparer.Ordinal))
            {
                if (!notSeen.Any(s => s.File == path))
                {
                    notSeen.Add(new SkippedFile(path, seenBefore.Contains(path)
                        ? $"partly reviewed by the LLM: {outcome.Failure}"
                        : $"not reviewed by the LLM: {outcome.Failure}"));
                }
            }

            break;
        }

        return new LlmPassResult(findings)
        {
            DegradedReason = degraded is null ? null : $"LLM pass: {degraded}",
            NotSeen = notSeen,
            Dropped = dropped,
        };
    }

    /// <summary>The name findings carry when the agent cannot be told; the engine stamps the real one.</summary>
    private static readonly AgentName Unknown = new("llm");

    private AgentName? AgentOf(AgentContext context, IReadOnlyList<Finding> ruleFindings)
    {
        if ((_agent ?? context.Agent) is { } known)
        {
            return known;
        }

        foreach (var (name, settings) in context.Config.Agents)
        {
            if (ReferenceEquals(settings, context.Settings) && AgentName.IsValid(name))
            {
                return new AgentName(name);
            }
        }

        var agents = ruleFindings.Select(f => f.Agent).Distinct().ToList();
        return agents.Count == 1 ? agents[0] : null;
    }

    /// <summary>The system prompt: how to read the data block, then the agent's role and the repository's additions.</summary>
    internal static string SystemPrompt(AgentName? agent, string boundary, string? configPrompt)
    {
        var builder = new StringBuilder();
        builder.Append(PromptLibrary.Common.Replace("{{agent}}", agent?.Value ?? "data", StringComparison.Ordinal).Replace("{{boundary}}", boundary, StringComparison.Ordinal));
        var builtIn = agent is { } a && PromptLibrary.HasRole(a);
        var hasPrompt = !string.IsNullOrWhiteSpace(configPrompt);
        builder.Append("\n\n").Append(builtIn ? PromptLibrary.Role(agent!.Value) : hasPrompt ? PromptLibrary.Custom : PromptLibrary.General);
        if (hasPrompt)
        {
            builder.Append("\n\n")
                .Append(builtIn ? "Additional instructions from the repository's ReviewBot config:\n" : "The team's instructions:\n")
                .Append(SecretRedactor.Redact(configPrompt!.Trim()));
        }

        return builder.ToString();
    }

    private static string UserPrompt(string boundary, int part, int parts, string known, string data)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"Review part {part} of {parts} of your slice of the pull request. Report only what is new beyond the rules' findings.\n");
        builder.Append(CultureInfo.InvariantCulture, $"<<<BEGIN UNTRUSTED DATA {boundary}>>>\n");
        builder.Append(known);
        builder.Append(data);
        builder.Append(CultureInfo.InvariantCulture, $"<<<END UNTRUSTED DATA {boundary}>>>\n");
        builder.Append("Answer with the JSON object only.");
        return builder.ToString();
    }

    /// <summary>The rule findings as a list the model must not repeat (at most 50, redacted).</summary>
    private static string KnownFindings(IReadOnlyList<Finding> ruleFindings)
    {
        if (ruleFindings.Count == 0)
        {
            return "";
        }

        var builder = new StringBuilder("### ALREADY REPORTED BY RULES\n");
        foreach (var finding in ruleFindings.Take(50))
        {
            var where = finding.Line is { } line ? $"{finding.File}:{line}" : finding.File;
            builder.Append(CultureInfo.InvariantCulture, $"- {where} [{finding.Rule}] {SecretRedactor.Redact(finding.Title.ReplaceLineEndings(" "))}\n");
        }

        if (ruleFindings.Count > 50)
        {
            builder.Append(CultureInfo.InvariantCulture, $"- ... and {ruleFindings.Count - 50} more\n");
        }

        return builder.ToString();
    }

    /// <summary>One call plus at most one repair retry; findings, or the reason the pass must stop.</summary>
    private async Task<CallOutcome> CallAsync(ILanguageModel llm, string system, string user, int maxOutputTokens, CancellationToken cancellationToken)
    {
        var request = new LlmRequest(system, user, maxOutputTokens)
        {
            ResponseJsonSchema = PromptLibrary.FindingsSchema,
            ResponseSchemaName = "review_findings",
            EstimatedPromptTokens = EstimateTokens(system.Length + user.Length + PromptLibrary.FindingsSchema.Length),
        };

        string error;
        try
        {
            var completion = await llm.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            if (LlmFindingReader.TryParse(completion.Text, out var findings, out error))
            {
                return new CallOutcome(findings, null);
            }

            if (completion.FinishReason == "length")
            {
                error += $"; the answer was cut off at {maxOutputTokens} tokens, so report fewer findings with shorter messages";
            }
        }
        catch (LlmException ex) when (ex.Kind == LlmFailureKind.Malformed)
        {
            error = ex.Message;
        }
        catch (LlmException ex)
        {
            return new CallOutcome(null, Reason(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The LLM is advisory: a broken model wrapper must not fail an agent whose rules completed.
            return new CallOutcome(null, Unexpected(ex));
        }

        var repair = request with
        {
            UserPrompt = user + $"\n\nYour previous answer could not be used: {error}. Answer again with only a JSON object that matches the schema: {{\"findings\":[...]}}.",
        };
        repair = repair with { EstimatedPromptTokens = EstimateTokens(repair.SystemPrompt.Length + repair.UserPrompt.Length + PromptLibrary.FindingsSchema.Length) };
        try
        {
            var completion = await llm.CompleteAsync(repair, cancellationToken).ConfigureAwait(false);
            if (LlmFindingReader.TryParse(completion.Text, out var findings, out var second))
            {
                return new CallOutcome(findings, null);
            }

            return new CallOutcome(null, $"malformed output after one repair retry ({second})");
        }
        catch (LlmException ex) when (ex.Kind == LlmFailureKind.Malformed)
        {
            return new CallOutcome(null, $"malformed output after one repair retry ({ex.Message})");
        }
        catch (LlmException ex)
        {
            return new CallOutcome(null, Reason(ex));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new CallOutcome(null, Unexpected(ex));
        }
    }

    private static string Unexpected(Exception ex) => $"failed: {ex.GetType().Name}: {ex.Message}";

    /// <summary>The degraded reason for a failed call; 401/404 messages from the adapter already name the fix.</summary>
    private static string Reason(LlmException ex) => ex.Kind switch
    {
        LlmFailureKind.Shed => "shed by budget",
        LlmFailureKind.Unauthorized or LlmFailureKind.NotFound => ex.Message,
        LlmFailureKind.RateLimited => $"rate limited: {ex.Message}",
        LlmFailureKind.ContentFiltered => $"refused by the content filter: {ex.Message}",
        LlmFailureKind.Timeout => $"timed out: {ex.Message}",
        LlmFailureKind.ServerError => $"server error: {ex.Message}",
        _ => ex.Message,
    };

    /// <summary>The pre-flight estimate the limiter and budget use: about four characters per token.</summary>
    internal static int EstimateTokens(int characters) => (characters + 3) / 4;

    private sealed record CallOutcome(IReadOnlyList<RawFinding>? Findings, string? Failure);
}
