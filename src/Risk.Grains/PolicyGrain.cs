using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class PolicyState
{
    public RiskPolicy? Policy { get; set; }
    public List<PolicyChange> History { get; set; } = [];
}

/// <summary>
/// Holds the policy. Every change is written through, recorded in the history and pushed to every silo's
/// <see cref="PolicyCache"/> before the caller hears it took effect.
/// </summary>
public sealed partial class PolicyGrain(
    [PersistentState("policy", RiskGrainOptions.StorageName)] IPersistentState<PolicyState> state,
    ILogger<PolicyGrain> log) : Grain, IPolicyGrain
{
    /// <summary>History kept in the grain; older entries are dropped (the admin console's audit log keeps all).</summary>
    public const int HistoryLimit = 1000;

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private readonly ObserverManager<IPolicyObserver> _observers = new(TimeSpan.FromMinutes(2), log);

    private RiskPolicy Policy => state.State.Policy ??= PolicyCatalog.Initial(DateTime.UtcNow);

    public Task<RiskPolicy> Get() => Task.FromResult(Policy);

    public Task<RiskPolicy> Set(string key, double value, string actor) => Change(new Dictionary<string, double> { [key] = value }, actor, null);

    public async Task<RiskPolicy> Change(IReadOnlyDictionary<string, double> changes, string actor, string? reason)
    {
        if (changes.Count == 0) throw new ArgumentException("no settings to change");
        var keys = changes.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var key in keys)
            if (PolicyCatalog.Check(key, changes[key]) is { } problem) throw new ArgumentException(problem);
        var settings = new Dictionary<string, double>(Policy.Settings);
        foreach (var key in keys) settings[key] = changes[key];
        if (PolicyCatalog.CheckConsistency(settings) is { } inconsistent) throw new ArgumentException(inconsistent);
        string Old(string key) => Format(Policy.Settings.TryGetValue(key, out var v) ? v : PolicyCatalog.ByKey[key].Default);
        return await Commit(settings, string.Join(", ", keys), string.Join(", ", keys.Select(Old)),
            string.Join(", ", keys.Select(k => Format(changes[k]))), actor, reason);
    }

    public async Task<RiskPolicy> SetOverride(EntityKind kind, string id, OverrideAction action, string actor, string? reason = null,
        DateTime? expires = null)
    {
        if (OverrideTargetProblem(kind, id) is { } problem) throw new ArgumentException(problem);
        if (action == OverrideAction.None) expires = null;
        if (expires is { } until && (until.Kind != DateTimeKind.Utc || until <= DateTime.UtcNow))
            throw new ArgumentException("expires: must be a UTC time in the future");
        // The override lives with the entity it governs (so there is no cap on how many an operator sets);
        // it is stored there first, then recorded here.
        var entity = GrainFactory.Entity(kind, GrainKeys.Of(kind, id));
        var before = await entity.SetOverride(action, expires);
        var what = $"override {kind.ToString().ToLowerInvariant()} {id}";
        var value = action.ToString().ToLowerInvariant() + (expires is { } t ? $" until {t:O}" : "");
        try
        {
            return await Commit(new Dictionary<string, double>(Policy.Settings), what, null, value, actor, reason);
        }
        catch (Exception e)
        {
            // Unrecorded, so not in force: the entity gets back what it had.
            try { await entity.SetOverride(before.Action, before.Expires); }
            catch (Exception restore) { LogRestoreFailed(restore, what); }
            if (e is not ArgumentException) LogOverrideFailed(e, what);
            throw;
        }
    }

    public Task<IReadOnlyList<PolicyChange>> History(int max) =>
        Task.FromResult<IReadOnlyList<PolicyChange>>(state.State.History.TakeLast(Math.Max(0, max)).ToArray());

    public Task Subscribe(IPolicyObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    private async Task<RiskPolicy> Commit(Dictionary<string, double> settings, string what, string? oldValue, string? newValue, string actor,
        string? reason = null)
    {
        var now = DateTime.UtcNow;
        var previous = Policy;
        var history = state.State.History;
        var next = new RiskPolicy(previous.Version + 1, settings, now);
        state.State.Policy = next;
        state.State.History = [.. history.TakeLast(HistoryLimit - 1), new PolicyChange(next.Version, now, what, oldValue, newValue, actor, reason)];
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Live only once stored: the previous version stays in force, and the next change takes this number.
            (state.State.Policy, state.State.History) = (previous, history);
            throw;
        }
        LogChange(next.Version, what, newValue, actor);
        // All at once: one gone gateway must not hold up every silo behind it until its call times out.
        var calls = _observers.ToArray().Select(async o =>
        {
            try { await o.PolicyChanged(next); }
            catch { _observers.Unsubscribe(o); }
        });
        try
        {
            await Task.WhenAll(calls).WaitAsync(NotifyTimeout);
        }
        catch (TimeoutException)
        {
            // Stored already; silos and gateways that missed the push pick it up on their next poll or TTL.
            LogSlowNotify(next.Version);
        }
        return next;
    }

    /// <summary>An id no event could carry can never be decided: an override on it would only look like protection.</summary>
    private static string? OverrideTargetProblem(EntityKind kind, string id)
    {
        var name = kind.ToString().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(id)) return $"{name}: an id is required";
        if (EventRules.TooLong(id, name) is { } tooLong) return tooLong;
        if (kind == EntityKind.Ip && GrainKeys.NormalizeIp(id) is null) return $"ip: '{id}' is not an IP address";
        return null;
    }

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy version {Version}: {What} = {Value} by {Actor}")]
    private partial void LogChange(long version, string what, string? value, string actor);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record {What}; it was put back at the entity")]
    private partial void LogOverrideFailed(Exception e, string what);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not record {What}, nor put back the entity's override before it: set it again")]
    private partial void LogRestoreFailed(Exception e, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy version {Version} stored, but not every silo confirmed it in time")]
    private partial void LogSlowNotify(long version);
}
