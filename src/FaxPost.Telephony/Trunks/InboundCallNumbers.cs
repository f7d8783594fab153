using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Trunks;

/// <summary>The dialled and the calling number of an inbound INVITE, in the post office's form.</summary>
public readonly record struct InboundCallNumbers(string? DialledNumber, string? CallerNumber)
{
    /// <summary>
    /// Reads the dialled number from the header the trunk puts it in (falling back to the Request-URI
    /// when that header is missing or malformed) and the caller from P-Asserted-Identity (RFC 3325,
    /// set by a trusted trunk) or From. Never throws for a malformed header: that number is just unknown.
    /// </summary>
    public static InboundCallNumbers From(SipRequest invite, SipTrunkOptions trunk, TrunkDialPlan plan)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(plan);
        var dialled = trunk.CalledNumber switch
        {
            CalledNumberSource.To => Safe(() => UserOf(invite.To.Uri)),
            CalledNumberSource.PCalledPartyId => Safe(() => First(invite.PCalledPartyIds)),
            // RFC 5806 §2: the topmost Diversion is the latest redirection; the bottom one holds the number first dialled.
            CalledNumberSource.Diversion => Safe(() => invite.Diversions.Count > 0 ? UserOf(invite.Diversions[^1].Uri) : null),
            _ => null,
        };
        dialled ??= Safe(() => UserOf(invite.RequestUri));

        var caller = Safe(() => First(invite.PAssertedIdentities)) ?? Safe(() => UserOf(invite.From.Uri));
        if (caller is not null && (caller.Equals("anonymous", StringComparison.OrdinalIgnoreCase) || caller.Equals("restricted", StringComparison.OrdinalIgnoreCase)))
        {
            caller = null;
        }

        return new InboundCallNumbers(plan.FromTrunk(dialled, trunk), plan.FromTrunk(caller, trunk));
    }

    private static string? First(IReadOnlyList<SipNameAddress> addresses)
    {
        // P-Asserted-Identity may carry a sip: and a tel: form; either number will do, the first with a user wins.
        foreach (var a in addresses)
        {
            if (UserOf(a.Uri) is { } user)
            {
                return user;
            }
        }

        return null;
    }

    private static string? UserOf(SipUri uri) => uri.IsSip || uri.IsTel ? uri.User : null;

    private static string? Safe(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (SipFormatException)
        {
            return null;
        }
    }
}
