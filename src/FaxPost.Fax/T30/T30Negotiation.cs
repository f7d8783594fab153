namespace FaxPost.Fax.T30;

/// <summary>Why no DCS could be chosen.</summary>
public enum T30NegotiationError : byte
{
    None = 0,
    /// <summary>The far end's DIS does not say it can receive (bit 10).</summary>
    RemoteCannotReceive,
    /// <summary>No high-speed modem in common.</summary>
    NoCommonModem,
}

/// <summary>Picks the phase C mode from the far end's DIS and our capabilities (T.30 §5.3.6.2.2).</summary>
public static class T30Negotiation
{
    /// <summary>
    /// The best common mode for a page of <paramref name="resolution"/> and <paramref name="width"/>:
    /// fastest common modem, ECM when both have it, MMR over MR over MH, the page's resolution or
    /// the best lower one the far end takes, the page width or the widest the far end takes (the
    /// DCS then says what the page must be converted to), and the far end's scan line time.
    /// </summary>
    public static bool TrySelectDcs(DisFrame remote, T30Capabilities local, T30Resolution resolution, T30PageWidth width, out DcsFrame dcs, out T30NegotiationError error)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(local);
        dcs = new DcsFrame();
        if (!remote.ReadyToReceive)
        {
            error = T30NegotiationError.RemoteCannotReceive;
            return false;
        }

        var common = remote.Modems & local.Modems;
        if (!TryFirstRate(common, remote.V27terFallbackOnly, out var rate))
        {
            error = T30NegotiationError.NoCommonModem;
            return false;
        }

        var ecm = remote.Ecm && local.Ecm;
        dcs.Receive = true;
        dcs.T38 = remote.T38;
        dcs.Rate = rate;
        dcs.Ecm = ecm;
        dcs.Ecm64OctetFrames = ecm && remote.Prefers64OctetFrames;
        dcs.Compression = ecm && remote.T6 && local.T6 ? T30Compression.MMR
            : remote.TwoDimensional && local.TwoDimensional ? T30Compression.MR
            : T30Compression.MH;
        dcs.Resolution = BestResolution(remote, resolution);
        dcs.Width = (T30PageWidth)Math.Min((int)width, Math.Min((int)remote.MaxWidth, (int)local.MaxWidth));
        dcs.Length = (T30PageLength)Math.Min((int)remote.MaxLength, (int)local.MaxLength);
        dcs.MinScanLineTimeMs = ecm ? 0 : ScanLineTime(remote, dcs.Resolution, local.MinScanLineTimeMs);
        error = T30NegotiationError.None;
        return true;
    }

    /// <summary>The next slower rate after FTT, within <paramref name="modems"/>; false when 2400 bit/s failed too.</summary>
    public static bool TryFallback(T30Rate current, T30ModemSupport modems, out T30Rate next)
    {
        var all = T30Rate.All;
        var i = all.IndexOf(current);
        for (var j = i + 1; i >= 0 && j < all.Length; j++)
        {
            if (modems.HasFlag(ToSupport(all[j].Modulation)))
            {
                next = all[j];
                return true;
            }
        }

        next = default;
        return false;
    }

    private static bool TryFirstRate(T30ModemSupport common, bool fallbackOnly, out T30Rate rate)
    {
        if (fallbackOnly && common.HasFlag(T30ModemSupport.V27ter))
        {
            rate = new T30Rate(T30Modulation.V27ter, 2400);
            return true;
        }

        foreach (var r in T30Rate.All)
        {
            if (common.HasFlag(ToSupport(r.Modulation)))
            {
                rate = r;
                return true;
            }
        }

        rate = default;
        return false;
    }

    private static T30ModemSupport ToSupport(T30Modulation m) => m switch
    {
        T30Modulation.V17 => T30ModemSupport.V17,
        T30Modulation.V29 => T30ModemSupport.V29,
        _ => T30ModemSupport.V27ter,
    };

    private static T30Resolution BestResolution(DisFrame remote, T30Resolution wanted)
    {
        // Step down within the same family (metric or inch) until the far end takes it.
        ReadOnlySpan<T30Resolution> metric = [T30Resolution.Ultrafine, T30Resolution.Superfine, T30Resolution.Fine, T30Resolution.Standard];
        ReadOnlySpan<T30Resolution> inch = [T30Resolution.Inch400x400, T30Resolution.Inch300x300, T30Resolution.Inch200x400, T30Resolution.Inch200x200, T30Resolution.Inch200x100];
        var family = metric.Contains(wanted) ? metric : inch;
        for (var i = family.IndexOf(wanted); i < family.Length; i++)
        {
            if (remote.Supports(family[i]))
            {
                return family[i];
            }
        }

        return family[^1];
    }

    /// <summary>T.30 Table 2 note: the DIS time is for 3.85 lines/mm; codes and bit 46 may halve it for finer rows.</summary>
    private static int ScanLineTime(DisFrame remote, T30Resolution resolution, int ours)
    {
        var t = remote.MinScanLineTimeMs;
        var rows = resolution switch
        {
            T30Resolution.Standard or T30Resolution.Inch200x100 => 0,
            T30Resolution.Fine or T30Resolution.Inch200x200 or T30Resolution.Inch300x300 => 1,
            _ => 2,
        };
        if (rows >= 1 && remote.HalfScanTimeAtFine)
        {
            t /= 2;
        }

        if (rows >= 2 && remote.HalfScanTimeAtSuperfine)
        {
            t /= 2;
        }

        // Only 0, 5, 10, 20, 40 can be said; round up so the far end always gets enough time.
        t = Math.Max(t, ours);
        return t switch
        {
            0 => 0,
            <= 5 => 5,
            <= 10 => 10,
            <= 20 => 20,
            _ => 40,
        };
    }
}
