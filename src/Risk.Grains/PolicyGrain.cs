using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains;

public sealed class PolicyState
{
    public RiskPolicy? Policy { get; set; }
    public List<PolicyChange> History { get; set; } = [];

    /// <summary>The settings each version changed, oldest first: what rebuilds the settings of earlier versions.</summary>
    public List<SettingsStep> Steps { get; set; } = [];

    /// <summary>
    /// Every settings change after this version is in <see cref="Steps"/>, so this version and every later one can be
    /// rebuilt. Null in a state stored before steps were kept: only its current version can be.
    /// </summary>
    public long? RebuildableFrom { get; set; }

    /// <summary>The latest shadow policy, in force or ended.</summary>
    public ShadowPolicy? Shadow { get; set; }
}

/// <summary>One version's change of settings, each setting before and after.</summary>
public sealed record SettingsStep(long Version, DateTime At, string Actor, string? Reason, Dictionary<string, SettingChange> Changed);

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

    /// <summary>
    /// How many changed settings the kept steps may hold in all. Bounded by settings rather than versions: a step holds
    /// only what it changed, a few dozen bytes a setting, so this keeps the record small however wide the changes are,
    /// and reaches back hundreds of versions when each changes a setting or two.
    /// </summary>
    public const int StepSettingsLimit = 1000;

    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private readonly ObserverManager<IPolicyObserver> _observers = new(TimeSpan.FromMinutes(2), log);

    private RiskPolicy Policy => state.State.Policy ??= PolicyCatalog.Initial(DateTime.UtcNow);

    /// <summary>The oldest version whose settings can be rebuilt.</summary>
    private long Oldest => state.State.RebuildableFrom ??= Policy.Version;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A fresh policy can be rebuilt from its first version on; one stored before steps were kept, from the version
        // it is at: nothing says what the versions before it held.
        _ = Oldest;
        return Task.CompletedTask;
    }

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

    public Task<PolicyVersions> Versions(int max)
    {
        var versions = new List<PolicyVersion>();
        var settings = new Dictionary<string, double>(Policy.Settings);
        for (var i = state.State.Steps.Count - 1; i >= 0 && versions.Count < max; i--)
        {
            var step = state.State.Steps[i];
            versions.Add(new PolicyVersion(step.Version, step.At, step.Actor, step.Reason, step.Changed, new Dictionary<string, double>(settings)));
            Undo(settings, step);
        }
        return Task.FromResult(new PolicyVersions(Policy.Version, Oldest, versions));
    }

    public Task<RiskPolicy> At(long version) => Task.FromResult(Rebuild(version));

    public async Task<RiskPolicy> Rollback(long version, string actor, string? reason)
    {
        var target = Rebuild(version);
        var differences = PolicyCatalog.Differences(Policy, target);
        if (differences.Count == 0) throw new ArgumentException($"version {version}: its settings are the ones in force");
        // Ranges can narrow in an upgrade: a value once in force is brought back only if it is valid now.
        foreach (var (key, (_, to)) in differences)
            if (PolicyCatalog.Check(key, to) is { } problem) throw new ArgumentException($"version {version}: {problem}");
        if (PolicyCatalog.CheckConsistency(target.Settings) is { } inconsistent) throw new ArgumentException($"version {version}: {inconsistent}");
        var keys = differences.Keys.ToArray();
        return await Commit(new Dictionary<string, double>(target.Settings), $"rollback to version {version}: {string.Join(", ", keys)}",
            string.Join(", ", keys.Select(k => Format(differences[k].From))), string.Join(", ", keys.Select(k => Format(differences[k].To))), actor, reason);
    }

    public async Task<ShadowPolicy> SetShadow(IReadOnlyDictionary<string, double> settings, string actor, string? reason)
    {
        if (settings.Count == 0) throw new ArgumentException("no settings to shadow");
        var live = new PolicyView(Policy);
        if (ShadowCandidate.Problem(settings, live) is { } problem) throw new ArgumentException(problem);
        var merged = new Dictionary<string, double>(Policy.Settings);
        foreach (var (key, value) in settings) merged[key] = value;
        if (PolicyCatalog.CheckConsistency(merged) is { } inconsistent) throw new ArgumentException(inconsistent);
        var keys = settings.Keys.Order(StringComparer.Ordinal).ToArray();
        var shadow = new ShadowPolicy((state.State.Shadow?.Id ?? 0) + 1, keys.ToDictionary(k => k, k => settings[k]), DateTime.UtcNow, actor, reason);
        await StoreShadow(shadow, new PolicyChange(Policy.Version, shadow.Since, $"shadow {string.Join(", ", keys)}", null,
            string.Join(", ", keys.Select(k => Format(settings[k]))), actor, reason));
        return shadow;
    }

    public async Task<ShadowPolicy?> ClearShadow(string actor, string? reason)
    {
        if (state.State.Shadow is not { Active: true } shadow) return null;
        var ended = shadow with { Ended = DateTime.UtcNow };
        await StoreShadow(ended, new PolicyChange(Policy.Version, ended.Ended.Value, "shadow cleared", null, null, actor, reason));
        return ended;
    }

    public Task<ShadowPolicy?> GetShadow() => Task.FromResult(state.State.Shadow);

    public Task Subscribe(IPolicyObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    private async Task<RiskPolicy> Commit(Dictionary<string, double> settings, string what, string? oldValue, string? newValue, string actor,
        string? reason = null)
    {
        var now = DateTime.UtcNow;
        var (previous, history, steps, oldest) = (Policy, state.State.History, state.State.Steps, state.State.RebuildableFrom);
        var next = new RiskPolicy(previous.Version + 1, settings, now);
        state.State.Policy = next;
        state.State.History = [.. history.TakeLast(HistoryLimit - 1), new PolicyChange(next.Version, now, what, oldValue, newValue, actor, reason)];
        if (Changes(previous.Settings, settings) is { Count: > 0 } changed)
            KeepStep(new SettingsStep(next.Version, now, actor, reason, changed));
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Live only once stored: the previous version stays in force, and the next change takes this number.
            (state.State.Policy, state.State.History, state.State.Steps, state.State.RebuildableFrom) = (previous, history, steps, oldest);
            throw;
        }
        LogChange(next.Version, what, newValue, actor);
        await Push(o => o.PolicyChanged(next), next.Version, dropFailed: true);
        return next;
    }

    /// <summary>Stores the shadow and its history entry, or neither, then tells every silo and gateway.</summary>
    private async Task StoreShadow(ShadowPolicy shadow, PolicyChange change)
    {
        var (before, history) = (state.State.Shadow, state.State.History);
        state.State.Shadow = shadow;
        state.State.History = [.. history.TakeLast(HistoryLimit - 1), change];
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            (state.State.Shadow, state.State.History) = (before, history);
            throw;
        }
        LogChange(Policy.Version, change.What, change.NewValue, change.Actor);
        // A gateway that cannot take shadows (one built before them) still takes policy changes: it keeps its subscription.
        await Push(o => o.ShadowChanged(shadow), Policy.Version, dropFailed: false);
    }

    /// <summary>All at once: one gone gateway must not hold up every silo behind it until its call times out.</summary>
    private async Task Push(Func<IPolicyObserver, Task> push, long version, bool dropFailed)
    {
        var calls = _observers.ToArray().Select(async o =>
        {
            try { await push(o); }
            catch { if (dropFailed) _observers.Unsubscribe(o); }
        });
        try
        {
            await Task.WhenAll(calls).WaitAsync(NotifyTimeout);
        }
        catch (TimeoutException)
        {
            // Stored already; silos and gateways that missed the push pick it up on their next poll or TTL.
            LogSlowNotify(version);
        }
    }

    /// <summary>Adds the step, dropping the oldest while the kept steps hold more settings than the limit; the newest always stays.</summary>
    private void KeepStep(SettingsStep step)
    {
        List<SettingsStep> steps = [.. state.State.Steps, step];
        var settings = steps.Sum(s => s.Changed.Count);
        var dropped = 0;
        while (settings > StepSettingsLimit && steps.Count - dropped > 1) settings -= steps[dropped++].Changed.Count;
        // Undoing the kept steps from the current settings reaches the version of the oldest dropped one, no further.
        if (dropped > 0) state.State.RebuildableFrom = steps[dropped - 1].Version;
        state.State.Steps = steps[dropped..];
    }

    /// <summary>The settings in force at <paramref name="version"/>: the current ones with every later step undone.</summary>
    private RiskPolicy Rebuild(long version)
    {
        if (version < 1 || version > Policy.Version)
            throw new ArgumentException($"version {version}: no such version; the policy is at version {Policy.Version}");
        if (version < Oldest)
            throw new ArgumentException($"version {version}: its settings can no longer be rebuilt; the oldest version kept is {Oldest}");
        var settings = new Dictionary<string, double>(Policy.Settings);
        var steps = state.State.Steps;
        for (var i = steps.Count - 1; i >= 0 && steps[i].Version > version; i--) Undo(settings, steps[i]);
        var at = state.State.History.FirstOrDefault(h => h.Version == version)?.At ?? steps.LastOrDefault(s => s.Version <= version)?.At ?? default;
        return new RiskPolicy(version, settings, at);
    }

    private static void Undo(Dictionary<string, double> settings, SettingsStep step)
    {
        foreach (var (key, change) in step.Changed)
            if (change.Before is { } before) settings[key] = before;
            else settings.Remove(key);
    }

    /// <summary>The settings stored differently (set, unset or another value), each before and after.</summary>
    private static Dictionary<string, SettingChange> Changes(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after)
    {
        var changes = new Dictionary<string, SettingChange>(StringComparer.Ordinal);
        foreach (var key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            double? from = before.TryGetValue(key, out var b) ? b : null;
            double? to = after.TryGetValue(key, out var a) ? a : null;
            if (from != to) changes[key] = new SettingChange(from, to);
        }
        return changes;
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
