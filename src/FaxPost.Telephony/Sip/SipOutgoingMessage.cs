using System.Buffers;
using System.Globalization;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// A request or response we send. Headers keep the order they were added in (proxied and copied
/// headers such as Via or Record-Route stay in received order); Content-Length is always computed
/// from the body by the writer, never taken from the caller.
/// </summary>
public sealed class SipOutgoingMessage
{
    private readonly List<(SipHeaderKind Kind, string Name, string Value)> _headers = [];

    private SipOutgoingMessage(string? method, string? requestUri, int statusCode, string? reasonPhrase)
    {
        Method = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public string? Method { get; }

    public string? RequestUri { get; }

    public int StatusCode { get; }

    public string? ReasonPhrase { get; }

    public bool IsRequest => Method is not null;

    public ReadOnlyMemory<byte> Body { get; private set; }

    public int HeaderCount => _headers.Count;

    public static SipOutgoingMessage Request(string method, SipUri requestUri) => Request(method, requestUri.ToString());

    public static SipOutgoingMessage Request(string method, string requestUri)
    {
        if (!SipChars.IsToken(method.AsSpan()))
        {
            throw new ArgumentException($"'{method}' is not a SIP method token.", nameof(method));
        }

        if (!SipUri.TryParse(requestUri, out _))
        {
            throw new ArgumentException($"'{requestUri}' is not a valid Request-URI.", nameof(requestUri));
        }

        return new SipOutgoingMessage(method, requestUri, 0, null);
    }

    public static SipOutgoingMessage Response(int statusCode, string? reasonPhrase = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        var reason = reasonPhrase ?? SipStatus.DefaultReason(statusCode);
        CheckValue(reason);
        return new SipOutgoingMessage(null, null, statusCode, reason);
    }

    /// <summary>
    /// A response to <paramref name="request"/> (RFC 3261 §8.2.6.2): Via values in order, From,
    /// Call-ID and CSeq copied; To copied with <paramref name="toTag"/> added when it has none;
    /// Record-Route copied for dialog-creating responses (101–299, §12.1.1).
    /// </summary>
    /// <param name="receivedFrom">
    /// Source address and port of the request: the top Via then gets received/rport (RFC 3261
    /// §18.2.1, RFC 3581 §4) so the response finds its way back through NAT.
    /// </param>
    public static SipOutgoingMessage ResponseTo(
        SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null, (string Address, int Port)? receivedFrom = null)
    {
        var response = Response(statusCode, reasonPhrase);
        var copyRecordRoute = statusCode is > 100 and < 300;
        var firstVia = true;
        for (var i = 0; i < request.HeaderCount; i++)
        {
            var kind = request.HeaderKind(i);
            switch (kind)
            {
                case SipHeaderKind.Via when firstVia && receivedFrom is { } source:
                    // Rewrite only the topmost via-parm; further values in the same field stay as received.
                    var values = SipTextReader.SplitList(request.HeaderValue(i));
                    values[0] = SipVia.Parse(values[0]).WithReceivedFrom(source.Address, source.Port).ToString();
                    response.Add(kind, string.Join(", ", values));
                    firstVia = false;
                    break;
                case SipHeaderKind.Via:
                    firstVia = false;
                    response.Add(kind, request.HeaderValue(i));
                    break;
                case SipHeaderKind.From:
                case SipHeaderKind.CallId:
                case SipHeaderKind.CSeq:
                    response.Add(kind, request.HeaderValue(i));
                    break;
                case SipHeaderKind.RecordRoute when copyRecordRoute:
                    response.Add(kind, request.HeaderValue(i));
                    break;
                case SipHeaderKind.To:
                    var to = request.HeaderValue(i);
                    if (toTag is not null && statusCode > 100 && request.To.Tag is null)
                    {
                        to += ";tag=" + toTag;
                    }

                    response.Add(kind, to);
                    break;
            }
        }

        return response;
    }

    /// <summary>
    /// CANCEL for a pending INVITE we sent (RFC 3261 §9.1): same Request-URI, Call-ID, From, To,
    /// Route and top Via (so it matches the INVITE's server transaction), CSeq number with CANCEL.
    /// </summary>
    public static SipOutgoingMessage CancelFor(SipOutgoingMessage invite)
    {
        if (invite.Method != SipMethods.Invite)
        {
            throw new ArgumentException("Only an INVITE can be cancelled.", nameof(invite));
        }

        var cancel = Request(SipMethods.Cancel, invite.RequestUri!);
        cancel.Add(SipHeaderKind.Via, SipTextReader.SplitList(invite.Get(SipHeaderKind.Via) ?? string.Empty)[0]);
        foreach (var route in invite.GetAll(SipHeaderKind.Route))
        {
            cancel.Add(SipHeaderKind.Route, route);
        }

        cancel.Add(SipHeaderKind.MaxForwards, "70");
        cancel.Add(SipHeaderKind.From, invite.Get(SipHeaderKind.From) ?? string.Empty);
        cancel.Add(SipHeaderKind.To, invite.Get(SipHeaderKind.To) ?? string.Empty);
        cancel.Add(SipHeaderKind.CallId, invite.Get(SipHeaderKind.CallId) ?? string.Empty);
        var number = SipCSeq.TryParse(invite.Get(SipHeaderKind.CSeq), out var cseq) ? cseq.Number : 1u;
        cancel.Add(SipHeaderKind.CSeq, $"{number} CANCEL");
        return cancel;
    }

    /// <summary>Appends a header; values must not contain CR or LF (no header injection).</summary>
    public SipOutgoingMessage Add(SipHeaderKind kind, string value)
    {
        if (kind == SipHeaderKind.Unknown)
        {
            throw new ArgumentException("Use Add(name, value) for headers without a kind.", nameof(kind));
        }

        CheckValue(value);
        _headers.Add((kind, SipHeaderNames.CanonicalName(kind)!, value));
        return this;
    }

    public SipOutgoingMessage Add(string name, string value)
    {
        if (!SipChars.IsToken(name.AsSpan()))
        {
            throw new ArgumentException($"'{name}' is not a header name token.", nameof(name));
        }

        var kind = SipHeaderNames.Lookup(name.AsSpan());
        CheckValue(value);
        _headers.Add((kind, kind == SipHeaderKind.Unknown ? name : SipHeaderNames.CanonicalName(kind)!, value));
        return this;
    }

    /// <summary>Replaces every header of this kind by one value, at the place of the first one (or the end).</summary>
    public SipOutgoingMessage Set(SipHeaderKind kind, string value)
    {
        CheckValue(value);
        var first = _headers.FindIndex(h => h.Kind == kind);
        _headers.RemoveAll(h => h.Kind == kind);
        var entry = (kind, SipHeaderNames.CanonicalName(kind)!, value);
        if (first < 0 || first > _headers.Count)
        {
            _headers.Add(entry);
        }
        else
        {
            _headers.Insert(first, entry);
        }

        return this;
    }

    public SipOutgoingMessage Remove(SipHeaderKind kind)
    {
        _headers.RemoveAll(h => h.Kind == kind);
        return this;
    }

    public string? Get(SipHeaderKind kind)
    {
        foreach (var h in _headers)
        {
            if (h.Kind == kind)
            {
                return h.Value;
            }
        }

        return null;
    }

    public IReadOnlyList<string> GetAll(SipHeaderKind kind) =>
        _headers.Where(h => h.Kind == kind).Select(h => h.Value).ToList();

    /// <summary>Sets the body and its Content-Type (RFC 3261 §20.15); an empty body removes Content-Type.</summary>
    public SipOutgoingMessage WithBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        Body = body;
        if (body.IsEmpty || contentType is null)
        {
            Remove(SipHeaderKind.ContentType);
        }
        else
        {
            Set(SipHeaderKind.ContentType, contentType);
        }

        return this;
    }

    public SipOutgoingMessage WithBody(string body, string contentType) => WithBody(Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Writes the message; <paramref name="compact"/> uses the one-letter names of RFC 3261 §7.3.3 where they exist.</summary>
    public void WriteTo(IBufferWriter<byte> output, bool compact = false)
    {
        if (IsRequest)
        {
            SipWire.Write(output, Method!);
            SipWire.Write(output, " ");
            SipWire.Write(output, RequestUri!);
            SipWire.Write(output, " SIP/2.0\r\n");
        }
        else
        {
            SipWire.Write(output, "SIP/2.0 ");
            SipWire.Write(output, StatusCode.ToString(CultureInfo.InvariantCulture));
            SipWire.Write(output, " ");
            SipWire.Write(output, ReasonPhrase!);
            SipWire.Write(output, "\r\n");
        }

        foreach (var (kind, name, value) in _headers)
        {
            if (kind == SipHeaderKind.ContentLength)
            {
                continue;
            }

            SipWire.WriteHeader(output, kind, name, value, compact);
        }

        SipWire.WriteHeader(output, SipHeaderKind.ContentLength, "Content-Length", Body.Length.ToString(CultureInfo.InvariantCulture), compact);
        SipWire.Write(output, "\r\n");
        output.Write(Body.Span);
    }

    public byte[] ToArray(bool compact = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + Body.Length);
        WriteTo(buffer, compact);
        return buffer.WrittenSpan.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToArray());

    private static void CheckValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("Header values must not contain CR or LF.", nameof(value));
        }
    }
}
