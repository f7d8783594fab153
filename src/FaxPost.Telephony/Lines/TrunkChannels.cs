using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Lines;

/// <summary>Calls in progress per trunk, in and out together, against each trunk's channel count.</summary>
internal sealed class TrunkChannels
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _busy = new(StringComparer.OrdinalIgnoreCase);

    public bool TryAcquire(SipTrunkOptions trunk)
    {
        lock (_lock)
        {
            var n = _busy.GetValueOrDefault(trunk.Name);
            if (n >= trunk.Channels)
            {
                return false;
            }

            _busy[trunk.Name] = n + 1;
            return true;
        }
    }

    public void Release(SipTrunkOptions trunk)
    {
        lock (_lock)
        {
            var n = _busy.GetValueOrDefault(trunk.Name);
            if (n <= 0)
            {
                throw new InvalidOperationException($"No call is in progress on trunk {trunk.Name}.");
            }

            _busy[trunk.Name] = n - 1;
        }
    }

    public int InUse(SipTrunkOptions trunk)
    {
        lock (_lock)
        {
            return _busy.GetValueOrDefault(trunk.Name);
        }
    }
}
