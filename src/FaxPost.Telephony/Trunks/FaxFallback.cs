using FaxPost.Fax.T30;

namespace FaxPost.Telephony.Trunks;

/// <summary>
/// Issue 5's field lesson: after N failed tries to the same destination the next try uses a lower
/// rate and no ECM (what makes a poor gateway or a lossy path work). The post office marks later
/// tries of a job (<c>OutboundCall.Fallback</c>); the line also counts failures per destination
/// across jobs, so a number that failed for one job starts the next job slower too.
/// </summary>
public sealed class FaxFallback
{
    private const int MaxDestinations = 4096;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Failed calls in a row to <paramref name="e164"/> since its last success.</summary>
    public int FailuresTo(string e164)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(e164);
        }
    }

    /// <summary>Records how a call to <paramref name="e164"/> ended.</summary>
    public void Record(string e164, bool success)
    {
        lock (_lock)
        {
            if (success)
            {
                _failures.Remove(e164);
                return;
            }

            if (_failures.Count >= MaxDestinations && !_failures.ContainsKey(e164))
            {
                // Bounded: forget the lot rather than grow without end (the post office's own flag still holds).
                _failures.Clear();
            }

            _failures[e164] = _failures.GetValueOrDefault(e164) + 1;
        }
    }

    /// <summary>Whether the next call to <paramref name="e164"/> on <paramref name="trunk"/> falls back.</summary>
    public bool ShouldFallBack(string e164, bool postOfficeSaysSo, SipTrunkOptions trunk)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        if (trunk.FallbackAfterFailures == 0)
        {
            return false;
        }

        return postOfficeSaysSo || FailuresTo(e164) >= trunk.FallbackAfterFailures;
    }

    /// <summary>
    /// The T.30 capabilities of a fall-back call: no ECM (and so no T.6, which needs it, T.30 Annex A),
    /// no V.17, and V.29 only if the trunk allows 9600 bit/s.
    /// </summary>
    public static T30Capabilities Slower(T30Capabilities capabilities, SipTrunkOptions trunk)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(trunk);
        var allowed = trunk.FallbackMaxBitRate >= 9600 ? T30ModemSupport.V27ter | T30ModemSupport.V29 : T30ModemSupport.V27ter;
        var modems = capabilities.Modems & allowed;
        return capabilities with
        {
            Ecm = false,
            T6 = false,
            Modems = modems == T30ModemSupport.None ? T30ModemSupport.V27ter : modems,
        };
    }

    /// <summary>The capabilities for one call: <paramref name="capabilities"/>, or the slower set when falling back.</summary>
    public T30Capabilities For(string e164, bool postOfficeSaysSo, SipTrunkOptions trunk, T30Capabilities capabilities) =>
        ShouldFallBack(e164, postOfficeSaysSo, trunk) ? Slower(capabilities, trunk) : capabilities;
}
