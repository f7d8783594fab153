namespace FaxPost.Core.Scheduling;

/// <summary>
/// Counts calls in progress against the configured lines (seed 003): at most <c>total</c> calls,
/// of which at most <c>total - reservedInbound</c> outbound, so the reserved lines are always
/// free for incoming faxes. Shared by the scheduler and the inbound side, across all trunks.
/// </summary>
public sealed class LineBudget
{
    private readonly Lock _lock = new();
    private int _inbound;
    private int _outbound;

    public LineBudget(int total, int reservedInbound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(reservedInbound);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(reservedInbound, total);
        Total = total;
        ReservedInbound = reservedInbound;
    }

    public int Total { get; }

    public int ReservedInbound { get; }

    public int Inbound
    {
        get
        {
            lock (_lock)
            {
                return _inbound;
            }
        }
    }

    public int Outbound
    {
        get
        {
            lock (_lock)
            {
                return _outbound;
            }
        }
    }

    public bool TryAcquireOutbound()
    {
        lock (_lock)
        {
            if (_outbound >= Total - ReservedInbound || _inbound + _outbound >= Total)
            {
                return false;
            }

            _outbound++;
            return true;
        }
    }

    public bool TryAcquireInbound()
    {
        lock (_lock)
        {
            if (_inbound + _outbound >= Total)
            {
                return false;
            }

            _inbound++;
            return true;
        }
    }

    public void ReleaseOutbound()
    {
        lock (_lock)
        {
            if (_outbound == 0)
            {
                throw new InvalidOperationException("No outbound line is in use.");
            }

            _outbound--;
        }
    }

    public void ReleaseInbound()
    {
        lock (_lock)
        {
            if (_inbound == 0)
            {
                throw new InvalidOperationException("No inbound line is in use.");
            }

            _inbound--;
        }
    }
}
