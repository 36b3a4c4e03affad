using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Risk.Grains;

namespace Risk.Silo;

/// <summary>
/// Leaves out of the log what is written about storage calls that failed because storage was away
/// (<see cref="StorageUnavailableException"/>): Orleans logs each failed write and each grain that could not read its
/// state to activate, with its stack trace, and in an outage that is thousands a minute. <see cref="StorageBreaker"/>
/// reports them itself, once per state name per checkpoint interval. A category filter cannot tell them apart from
/// other failures: it does not see the exception.
/// </summary>
internal sealed class StorageAwayLogFilter(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>Puts the filter in front of every logger provider registered so far.</summary>
    public static void AddTo(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var provider = services[i];
            if (provider.ServiceType != typeof(ILoggerProvider) || provider.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new StorageAwayLogFilter((ILoggerProvider)(provider.ImplementationInstance
                ?? provider.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, provider.ImplementationType!))));
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => (inner as ISupportExternalScope)?.SetScopeProvider(scopeProvider);

    public void Dispose() => inner.Dispose();

    private static bool StorageAway(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is StorageUnavailableException) return true;
        return false;
    }

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!StorageAway(exception)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
