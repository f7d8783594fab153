namespace FaxPost.Telephony.Sip.Stack;

public enum SipRegistrationState
{
    /// <summary>Not registered yet (first REGISTER under way) or unregistered.</summary>
    Unregistered,

    Registered,

    /// <summary>The last REGISTER failed; a retry is scheduled with back-off.</summary>
    Failed,

    /// <summary>The registrar refused our credentials; retried only after a long pause.</summary>
    CredentialsRejected,
}

/// <summary>
/// Keeps a registration alive: refreshes before it expires (RFC 3261 §10.2.4), retries failures with
/// exponential back-off (30 s doubling to 30 min), and after refused credentials logs one clear line
/// and waits <see cref="CredentialsRetry"/> instead of hammering the registrar. Disposing unregisters.
/// </summary>
public sealed class SipRegistrationKeeper : IAsyncDisposable
{
    private readonly SipRegistrationSession _session;
    private readonly SipUserAgent _ua;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstOutcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private volatile SipRegistrationResult? _last;
    private int _state;
    private int _attempts;

    internal SipRegistrationKeeper(SipUserAgent ua, SipRegistrationSession session)
    {
        _ua = ua;
        _session = session;
    }

    /// <summary>First back-off after a failure; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Pause after the registrar refused our credentials (a config error; no retry storm).</summary>
    public TimeSpan CredentialsRetry { get; init; } = TimeSpan.FromMinutes(30);

    public SipRegistrationState State => (SipRegistrationState)Volatile.Read(ref _state);

    public SipRegistrationResult? LastResult => _last;

    /// <summary>REGISTER exchanges so far (each may include one challenge round).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Raised after each REGISTER exchange, on a thread-pool thread.</summary>
    public event Action<SipRegistrationKeeper>? Changed;

    /// <summary>Completes after the first REGISTER exchange, whatever its outcome.</summary>
    public Task FirstAttempt => _firstOutcome.Task;

    internal void Start() => _loop = Task.Run(RunAsync);

    /// <summary>When to refresh a binding granted for <paramref name="granted"/>: halfway, but at most a minute before expiry.</summary>
    public static TimeSpan RefreshAfter(TimeSpan granted) =>
        granted <= TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Max(granted.Ticks / 2, (granted - TimeSpan.FromMinutes(1)).Ticks));

    private async Task RunAsync()
    {
        var registration = _session.Registration;
        var failures = 0;
        var rejectedLogged = false;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _session.RegisterAsync(registration.Expires, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _attempts);
                _last = result;
                TimeSpan wait;
                if (result.Success)
                {
                    failures = 0;
                    rejectedLogged = false;
                    Volatile.Write(ref _state, (int)SipRegistrationState.Registered);
                    SipStackLog.Registered(_ua.Log, registration.AddressOfRecord.ToString(), registration.Registrar.ToString(), result.Expires);
                    wait = RefreshAfter(result.Expires);
                }
                else if (result.CredentialsRejected)
                {
                    failures++;
                    Volatile.Write(ref _state, (int)SipRegistrationState.CredentialsRejected);
                    wait = CredentialsRetry;
                    if (!rejectedLogged)
                    {
                        SipStackLog.CredentialsRejected(_ua.Log, registration.AddressOfRecord.ToString(), registration.Registrar.ToString(),
                            registration.Credentials?.Username ?? "(none)", wait);
                        rejectedLogged = true;
                    }
                }
                else
                {
                    failures++;
                    Volatile.Write(ref _state, (int)SipRegistrationState.Failed);
                    var factor = Math.Min(1L << Math.Min(failures - 1, 20), MaxBackoff.Ticks / Math.Max(1, FirstBackoff.Ticks));
                    wait = TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks * factor, MaxBackoff.Ticks));
                    SipStackLog.RegisterFailed(_ua.Log, registration.AddressOfRecord.ToString(), registration.Registrar.ToString(), result.StatusCode, result.ReasonPhrase);
                    SipStackLog.RegisterRetry(_ua.Log, registration.AddressOfRecord.ToString(), registration.Registrar.ToString(), wait);
                }

                _firstOutcome.TrySetResult();
                var changed = Changed;
                if (changed is not null)
                {
                    ThreadPool.QueueUserWorkItem(_ => changed(this));
                }

                await Task.Delay(wait, _ua.Time, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _firstOutcome.TrySetResult();
        }
    }

    /// <summary>Stops refreshing and removes the binding (REGISTER with Expires: 0) if we were registered.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (State == SipRegistrationState.Registered)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _session.RegisterAsync(TimeSpan.Zero, quick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            Volatile.Write(ref _state, (int)SipRegistrationState.Unregistered);
        }

        _stop.Dispose();
    }
}
