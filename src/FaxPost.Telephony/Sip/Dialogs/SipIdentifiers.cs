using System.Security.Cryptography;

namespace FaxPost.Telephony.Sip.Dialogs;

/// <summary>Fresh tags, branches and Call-IDs with the randomness RFC 3261 asks for (§19.3: at least 32 bits for tags).</summary>
public static class SipIdentifiers
{
    /// <summary>A From/To tag: 64 random bits in hex.</summary>
    public static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A Via branch with the RFC 3261 magic cookie (§8.1.1.7), unique in space and time.</summary>
    public static string NewBranch() => SipVia.MagicCookie + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>A Call-ID: 128 random bits, optionally "@host" (§8.1.1.4).</summary>
    public static string NewCallId(string? host = null)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return host is null ? id : id + "@" + host;
    }
}

/// <summary>Dialog ID (RFC 3261 §12): Call-ID, local tag and remote tag.</summary>
public readonly record struct SipDialogId(string CallId, string LocalTag, string RemoteTag)
{
    /// <summary>The dialog an incoming in-dialog request belongs to: our tag is in To, theirs in From.</summary>
    public static bool TryForIncomingRequest(SipRequest request, out SipDialogId id)
    {
        id = default;
        if (request.To.Tag is not { } local || request.From.Tag is not { } remote)
        {
            return false;
        }

        id = new SipDialogId(request.CallId, local, remote);
        return true;
    }

    /// <summary>The dialog a response to our request belongs to: our tag is in From, theirs in To.</summary>
    public static bool TryForResponse(SipResponse response, out SipDialogId id)
    {
        id = default;
        if (response.From.Tag is not { } local || response.To.Tag is not { } remote)
        {
            return false;
        }

        id = new SipDialogId(response.CallId, local, remote);
        return true;
    }
}
