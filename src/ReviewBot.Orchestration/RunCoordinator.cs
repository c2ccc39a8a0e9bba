using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Orchestration.Budget;
using ReviewBot.Orchestration.FanIn;
using ReviewBot.Orchestration.Lanes;
using ReviewBot.Orchestration.Policies;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Scheduling;
using ReviewBot.Orchestration.Timeouts;

namespace ReviewBot.Orchestration;

/// <summary>
/// One run of the engine: releases agents as their inputs become available, hands slots out by lane,
/// runs each agent's attempts under its timeout budget and failure policy, and streams results to fan-in.
/// </summary>
internal sealed class RunCoordinator
{
    private readonly ReviewEngine _engine;
    private readonly IReadOnlyList<IReviewAgent> _agents;
    private readonly AgentDescriptor[] _descriptors;
    private readonly DependencyGraph _graph;
    private readonly ChangeSet _change;
    private readonly ResourceStore _resources;
    private readonly IEngineObserver? _observer;
    private readonly CancellationToken _cancellationToken;
    private readonly TimeProvider _time;
    private readonly ComputeBudget _budget;
    private readonly DeploymentRateLimiter? _limiter;
    private readonly LaneScheduler<SlotRequest> _scheduler;
    private readonly bool[] _holdsSlot;
    private readonly FanInCollector _fanIn;
    private readonly Lock _gate = new();
    private readonly int[] _remaining;
    private readonly string?[] _blockedBy;
    private readonly List<AgentEvent>[] _timelines;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _start;
    private int _pending;

    public RunCoordinator(
        ReviewEngine engine,
        IReadOnlyList<IReviewAgent> agents,
        AgentDescriptor[] descriptors,
        DependencyGraph graph,
        ChangeSet change,
        ResourceStore resources,
        IEngineObserver? observer,
        CancellationToken cancellationToken)
    {
        _engine = engine;
        _agents = agents;
        _descriptors = descriptors;
        _graph = graph;
        _change = change;
        _resources = resources;
        _observer = observer;
        _cancellationToken = cancellationToken;
        _time = engine.Time;
        _budget = new ComputeBudget(engine.Options.Budget);
        _limiter = engine.Limiter;
        _scheduler = new LaneScheduler<SlotRequest>(engine.Options.Lanes.MaxParallel);
        _holdsSlot = new bool[agents.Count];
        _fanIn = new FanInCollector(agents.Count, observer);
        _remaining = new int[agents.Count];
        _blockedBy = new string?[agents.Count];
        _timelines = new List<AgentEvent>[agents.Count];
        _pending = agents.Count;
    }

    private ReviewConfig Config => _engine.Config;

    public async Task<EngineRun> RunAsync()
    {
        _start = _time.GetTimestamp();
        for (var i = 0; i < _agents.Count; i++)
        {
            _timelines[i] = new List<AgentEvent>(6);
            _remaining[i] = _graph.WaitsFor[i].Count;
        }

        if (_agents.Count == 0)
        {
            _done.TrySetResult();
        }

        for (var i = 0; i < _agents.Count; i++)
        {
            if (_remaining[i] == 0)
            {
                MakeReady(i);
            }
        }

        Pump();
        using (_cancellationToken.UnsafeRegister(static s => ((RunCoordinator)s!).OnCancelled(), this))
        {
            await _done.Task.ConfigureAwait(false);
        }

        var (results, findings, verdict) = _fanIn.Complete(Config, _change.Skipped);
        return new EngineRun(results, findings, verdict, _budget.Report(DescribeLlm()), _time.GetElapsedTime(_start));
    }

    private string DescribeLlm()
    {
        if (_engine.Model is not { } model)
        {
            return "none";
        }

        return Config.Llm.Provider switch
        {
            LlmProvider.AzureOpenAI => $"azure-openai/{model.Deployment}",
            LlmProvider.OpenAICompatible => $"openai-compatible/{model.Deployment}",
            _ => model.Deployment,
        };
    }

    private long NowMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    private void Record(int agent, string kind, string? detail = null, long? atMs = null)
    {
        var timeline = _timelines[agent];
        var at = atMs ?? NowMs;
        lock (timeline)
        {
            timeline.Add(new AgentEvent(kind, at, detail));
        }
    }

    private AgentEvent[] TimelineOf(int agent)
    {
        var timeline = _timelines[agent];
        lock (timeline)
        {
            return [.. timeline];
        }
    }

    private void MakeReady(int agent)
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            Finish(agent, NotRun(agent, AgentStatus.Failed, "cancelled"));
            return;
        }

        Record(agent, AgentEvent.Queued);
        _scheduler.Enqueue(new SlotRequest(agent, null), _descriptors[agent].Lane, agent);
    }

    private void Pump()
    {
        while (_scheduler.TryStartNext(out var request))
        {
            var agent = request.Agent;
            Volatile.Write(ref _holdsSlot[agent], true);
            if (request.Resume is { } resume)
            {
                resume.TrySetResult(true); // a retry got its slot back; it checks for cancellation itself
                continue;
            }

            if (_cancellationToken.IsCancellationRequested)
            {
                Finish(agent, NotRun(agent, AgentStatus.Failed, "cancelled"));
                continue;
            }

            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Self.RunAgentAsync(state.Agent), (Self: this, Agent: agent), preferLocal: false);
        }
    }

    private void OnCancelled()
    {
        foreach (var request in _scheduler.DrainWaiting())
        {
            if (request.Resume is { } resume)
            {
                resume.TrySetResult(false); // the retry ends as cancelled without a slot
            }
            else
            {
                Finish(request.Agent, NotRun(request.Agent, AgentStatus.Failed, "cancelled"));
            }
        }
    }

    /// <summary>
    /// Gives the slot back between attempts and queues the retry by lane, so that a retrying lower-lane agent
    /// never keeps a higher-lane agent waiting. False when the run was cancelled while the retry waited.
    /// </summary>
    private async Task<bool> RequeueForRetryAsync(int agent)
    {
        var resume = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _holdsSlot[agent], false);
        _scheduler.Release();
        _scheduler.Enqueue(new SlotRequest(agent, resume), _descriptors[agent].Lane, agent);
        if (_cancellationToken.IsCancellationRequested)
        {
            OnCancelled();
        }

        Pump();
        return await resume.Task.ConfigureAwait(false);
    }

    private AgentResult NotRun(int agent, AgentStatus status, string reason)
    {
        Record(agent, AgentEvent.Finished, $"{StatusText(status)}: {reason}");
        return new AgentResult(_descriptors[agent], status, []) { Reason = reason, Timeline = TimelineOf(agent) };
    }

    private async Task RunAgentAsync(int agent)
    {
        AgentResult result;
        try
        {
            result = await ExecuteAsync(agent).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Fan-in never throws: even a fault of the engine itself ends as this agent's failure.
            result = NotRun(agent, AgentStatus.Failed, $"orchestrator error: {ex.Message}");
        }

        Finish(agent, result);
    }

    private async Task<AgentResult> ExecuteAsync(int index)
    {
        var descriptor = _descriptors[index];
        var agent = _agents[index];
        var started = _time.GetTimestamp();
        if (_observer is not null)
        {
            Observe.Safely(_observer, o => o.AgentStarted(descriptor));
        }

        var meter = new UsageMeter();
        var llm = _limiter is null
            ? null
            : new GovernedLanguageModel(
                _engine.Model!,
                _limiter,
                _budget,
                descriptor,
                meter,
                _engine.Options.RateLimits.MaxRateLimitRetries,
                message => Observe.Safely(_observer, o => o.Alert(descriptor.Name, message)));
        var settings = Config.AgentSettings(descriptor.Name);

        AttemptOutcome outcome;
        var attempt = 0;
        while (true)
        {
            Record(index, AgentEvent.Started, attempt == 0 ? null : $"attempt {attempt + 1}");
            var context = new AgentContext
            {
                Agent = descriptor.Name,
                Change = _change,
                Resources = _resources,
                Settings = settings,
                Config = Config,
                Llm = llm,
                Time = _time,
                Attempt = attempt,
            };
            outcome = await RunAttemptAsync(index, agent, context).ConfigureAwait(false);
            if (!PolicyDecision.ShouldRetry(descriptor.Policy, attempt, outcome))
            {
                break;
            }

            attempt++;
            Record(index, AgentEvent.Retried, $"attempt {attempt} {(outcome.End == AttemptEnd.TimedOut ? "timed out" : "failed")}: {outcome.Reason}");
            if (!await RequeueForRetryAsync(index).ConfigureAwait(false) || _cancellationToken.IsCancellationRequested)
            {
                attempt--; // the retry never ran
                outcome = new AttemptOutcome(AttemptEnd.Cancelled, null, "cancelled");
                break;
            }
        }

        var (status, reason) = PolicyDecision.Conclude(outcome);
        IReadOnlyList<Finding> findings = outcome.End == AttemptEnd.Completed ? OwnFindings(descriptor.Name, outcome.Output!) : [];
        if (status is AgentStatus.Completed or AgentStatus.Degraded)
        {
            _resources.Set(new ResourceKey<IReadOnlyList<Finding>>(Resources.FindingsOf(descriptor.Name)), findings);
        }

        Record(index, AgentEvent.Finished, reason is null ? StatusText(status) : $"{StatusText(status)}: {reason}");
        return new AgentResult(descriptor, status, findings)
        {
            Duration = _time.GetElapsedTime(started),
            Reason = reason,
            Retries = attempt,
            PromptTokens = meter.PromptTokens,
            CompletionTokens = meter.CompletionTokens,
            Timeline = TimelineOf(index),
            Output = outcome.Output,
        };
    }

    private async Task<AttemptOutcome> RunAttemptAsync(int index, IReviewAgent agent, AgentContext context)
    {
        var descriptor = _descriptors[index];
        var startedMs = NowMs;
        using var budget = new TimeoutBudget(_time, descriptor.Timeout, _engine.Options.Timeouts, (stage, due) => OnTimeoutStage(index, stage, startedMs + (long)due.TotalMilliseconds), _cancellationToken);
        Task<AgentOutput> task;
        try
        {
            // Off the caller's thread: an agent's synchronous rule work (before its first await) must run under its
            // timeout budget, not before the budget is even watched, and must not hold up the other agents.
            task = Task.Run(() => agent.RunAsync(context, budget.Token) ?? Task.FromResult(AgentOutput.None), CancellationToken.None);
        }
        catch (Exception ex)
        {
            task = Task.FromException<AgentOutput>(ex);
        }

        if (!task.IsCompleted)
        {
            var first = await Task.WhenAny(task, budget.Expired).ConfigureAwait(false);
            if (first != task)
            {
                // The agent is abandoned at 100% whether or not it honours its token; observe its end quietly.
                _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return _cancellationToken.IsCancellationRequested
                    ? new AttemptOutcome(AttemptEnd.Cancelled, null, "cancelled")
                    : TimedOut(descriptor);
            }
        }

        if (task.IsCompletedSuccessfully)
        {
            return new AttemptOutcome(AttemptEnd.Completed, task.Result ?? AgentOutput.None, null);
        }

        if (_cancellationToken.IsCancellationRequested)
        {
            return new AttemptOutcome(AttemptEnd.Cancelled, null, "cancelled");
        }

        if (budget.IsExpired)
        {
            return TimedOut(descriptor);
        }

        var error = task.IsCanceled ? "cancelled itself" : Describe(task.Exception!.GetBaseException());
        return new AttemptOutcome(AttemptEnd.Failed, null, error);
    }

    private static AttemptOutcome TimedOut(AgentDescriptor descriptor) =>
        new(AttemptEnd.TimedOut, null, $"exceeded its {descriptor.Timeout.ToShortText()} timeout budget");

    private void OnTimeoutStage(int index, TimeoutStage stage, long dueMs)
    {
        var descriptor = _descriptors[index];
        var options = _engine.Options.Timeouts;
        switch (stage)
        {
            case TimeoutStage.Warned:
                Record(index, AgentEvent.Warned, $"{Percent(options.WarnAt)} of its {descriptor.Timeout.ToShortText()} timeout budget used", dueMs);
                break;
            case TimeoutStage.Alerted:
                var message = $"{descriptor.Name} has used {Percent(options.AlertAt)} of its {descriptor.Timeout.ToShortText()} timeout budget";
                Record(index, AgentEvent.Alerted, message, dueMs);
                Observe.Safely(_observer, o => o.Alert(descriptor.Name, message));
                break;
            default:
                break;
        }
    }

    private void Finish(int agent, AgentResult result)
    {
        if (!_fanIn.Add(agent, result))
        {
            return;
        }

        List<int>? ready = null;
        List<int>? blocked = null;
        lock (_gate)
        {
            foreach (var edge in _graph.Unblocks[agent])
            {
                var reader = edge.Reader;
                if (!result.Succeeded)
                {
                    _blockedBy[reader] ??= $"needs '{edge.Resource}' from {result.Descriptor.Name}, which {Describe(result)}";
                }

                if (--_remaining[reader] == 0)
                {
                    (_blockedBy[reader] is null ? ready ??= [] : blocked ??= []).Add(reader);
                }
            }
        }

        if (Volatile.Read(ref _holdsSlot[agent]))
        {
            Volatile.Write(ref _holdsSlot[agent], false);
            _scheduler.Release();
        }

        foreach (var reader in blocked ?? [])
        {
            var skipped = _cancellationToken.IsCancellationRequested
                ? NotRun(reader, AgentStatus.Failed, "cancelled")
                : NotRun(reader, AgentStatus.Skipped, _blockedBy[reader]!);
            Finish(reader, skipped);
        }

        foreach (var reader in ready ?? [])
        {
            MakeReady(reader);
        }

        Pump();
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _done.TrySetResult();
        }
    }

    private static IReadOnlyList<Finding> OwnFindings(AgentName agent, AgentOutput output)
    {
        var findings = output.Findings ?? [];
        var own = new List<Finding>(findings.Count);
        foreach (var finding in findings)
        {
            if (finding is not null)
            {
                own.Add(finding.Agent == agent ? finding : finding with { Agent = agent });
            }
        }

        return own;
    }

    private static string Describe(AgentResult result) => result.Status switch
    {
        AgentStatus.TimedOut => "timed out",
        AgentStatus.Skipped => "was skipped",
        AgentStatus.Shed => "was shed",
        _ => result.Reason == "cancelled" ? "was cancelled" : "failed",
    };

    private static string Describe(Exception exception)
    {
        var message = exception.Message.ReplaceLineEndings(" ").Trim();
        if (message.Length > 300)
        {
            message = message[..297] + "...";
        }

        return exception is ReviewBot.Core.Llm.LlmException or InvalidOperationException or ReviewBot.Core.InvalidInputException
            ? message
            : $"{exception.GetType().Name}: {message}";
    }

    private static string Percent(double share) => $"{Math.Round(share * 100):0}%";

    internal static string StatusText(AgentStatus status) => status switch
    {
        AgentStatus.TimedOut => "timed_out",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>A request for a parallel slot: a first start, or (with <see cref="Resume"/>) a retry waiting for its slot back.</summary>
    private readonly record struct SlotRequest(int Agent, TaskCompletionSource<bool>? Resume);
}
