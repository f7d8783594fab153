using System.Globalization;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// RFC 3261 §8.2.2 / §16.3 checks a UA runs before a message reaches the transaction layer:
/// mandatory headers present once, each parsable, CSeq matching the method, scalars in range.
/// </summary>
public abstract partial class SipMessage
{
    private static readonly SipHeaderKind[] Mandatory =
        [SipHeaderKind.Via, SipHeaderKind.From, SipHeaderKind.To, SipHeaderKind.CallId, SipHeaderKind.CSeq];

    private static readonly SipHeaderKind[] SingleValued =
    [
        SipHeaderKind.From, SipHeaderKind.To, SipHeaderKind.CallId, SipHeaderKind.CSeq, SipHeaderKind.MaxForwards,
        SipHeaderKind.ContentType, SipHeaderKind.Expires, SipHeaderKind.ContentLength,
    ];

    /// <summary>True when the message is fit for the transaction layer; else the reason and the status to answer.</summary>
    public bool TryValidate(out SipParseError error)
    {
        foreach (var kind in Mandatory)
        {
            if (CountHeaders(kind) == 0)
            {
                error = new SipParseError(SipParseErrorReason.MissingHeader, 0, 400);
                return false;
            }
        }

        foreach (var kind in SingleValued)
        {
            if (CountHeaders(kind) > 1)
            {
                error = ErrorAt(SipParseErrorReason.DuplicateHeader, kind, occurrence: 1);
                return false;
            }
        }

        var current = SipHeaderKind.Unknown;
        try
        {
            current = SipHeaderKind.Via;
            if (Vias.Count == 0)
            {
                throw new SipFormatException(SipParseErrorReason.MissingHeader, "No Via value.");
            }

            current = SipHeaderKind.From;
            _ = From;
            current = SipHeaderKind.To;
            _ = To;
            current = SipHeaderKind.CSeq;
            var cseq = CSeq;
            current = SipHeaderKind.CallId;
            if (string.IsNullOrWhiteSpace(CallId))
            {
                throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Empty Call-ID.");
            }

            current = SipHeaderKind.MaxForwards;
            _ = MaxForwards;
            current = SipHeaderKind.Expires;
            _ = Expires;
            current = SipHeaderKind.Contact;
            _ = Contacts;
            current = SipHeaderKind.Route;
            _ = Routes;
            current = SipHeaderKind.RecordRoute;
            _ = RecordRoutes;
            current = SipHeaderKind.Date;
            if (GetHeader(SipHeaderKind.Date) is { } date && !IsRfc1123Gmt(date))
            {
                throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Date is not an RFC 1123 GMT date.");
            }

            if (this is SipRequest request)
            {
                current = SipHeaderKind.Unknown;

                // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
                var uri = request.RequestUri;
                if (uri.Headers.Count > 0)
                {
                    error = new SipParseError(SipParseErrorReason.BadRequestUri, 0, 400);
                    return false;
                }

                // RFC 3261 §8.1.1.5: the CSeq method matches the request method.
                if (!string.Equals(cseq.Method, request.Method, StringComparison.Ordinal))
                {
                    error = ErrorAt(SipParseErrorReason.CSeqMethodMismatch, SipHeaderKind.CSeq, 0);
                    return false;
                }
            }
        }
        catch (SipFormatException ex)
        {
            error = current == SipHeaderKind.Unknown
                ? new SipParseError(ex.Reason == SipParseErrorReason.BadHeaderValue ? SipParseErrorReason.BadRequestUri : ex.Reason, 0, ex.StatusCode)
                : ErrorAt(ex.Reason, current, 0);
            return false;
        }

        error = default;
        return true;
    }

    private SipParseError ErrorAt(SipParseErrorReason reason, SipHeaderKind kind, int occurrence)
    {
        var seen = 0;
        for (var i = 0; i < _fields.Length; i++)
        {
            if (_fields[i].Kind == kind && seen++ == occurrence)
            {
                return new SipParseError(reason, _fields[i].NameStart, SipParseError.StatusFor(reason));
            }
        }

        return new SipParseError(reason, 0, SipParseError.StatusFor(reason));
    }

    // RFC 3261 §25.1: SIP-date = rfc1123-date, and the zone is always "GMT" (RFC 4475 §3.1.2.12).
    private static bool IsRfc1123Gmt(string value) =>
        DateTime.TryParseExact(value.Trim(), "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}
