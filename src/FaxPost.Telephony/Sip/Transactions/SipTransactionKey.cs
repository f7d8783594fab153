namespace FaxPost.Telephony.Sip.Transactions;

/// <summary>
/// Matches messages to transactions (RFC 3261 §17.1.3 and §17.2.3): the top Via branch and sent-by,
/// and the method, where ACK matches the INVITE server transaction it acknowledges and CANCEL
/// has its own transaction with the same branch.
/// </summary>
public readonly record struct SipTransactionKey(string Branch, string SentBy, string Method)
{
    /// <summary>Key of the server transaction a received request belongs to; false without an RFC 3261 branch.</summary>
    public static bool TryForRequest(SipRequest request, out SipTransactionKey key)
    {
        key = default;
        var via = request.TopVia;
        if (via?.Branch is not { } branch || !branch.StartsWith(SipVia.MagicCookie, StringComparison.Ordinal) || branch.Length == SipVia.MagicCookie.Length)
        {
            // RFC 2543 style (or bare cookie, RFC 4475 §3.2.1): matching needs the §17.2.3 fallback, not a key.
            return false;
        }

        var method = request.Method == SipMethods.Ack ? SipMethods.Invite : request.Method;
        key = new SipTransactionKey(branch, SentByOf(via), method);
        return true;
    }

    /// <summary>The INVITE server transaction a received CANCEL targets (RFC 3261 §9.2): same branch and sent-by, method INVITE.</summary>
    public SipTransactionKey CancelledInvite => this with { Method = SipMethods.Invite };

    /// <summary>Key of the client transaction a received response belongs to (branch + CSeq method).</summary>
    public static bool TryForResponse(SipResponse response, out SipTransactionKey key)
    {
        key = default;
        var via = response.TopVia;
        if (via?.Branch is not { } branch)
        {
            return false;
        }

        key = new SipTransactionKey(branch, SentByOf(via), response.CSeq.Method);
        return true;
    }

    private static string SentByOf(SipVia via) =>
        via.Port is int p ? $"{via.Host.ToLowerInvariant()}:{p}" : via.Host.ToLowerInvariant();
}
