using System.Buffers;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// Byte-level SIP message parser (RFC 3261 §7). Stream mode frames by Content-Length and consumes
/// nothing until a whole message is there; datagram mode takes the rest of the datagram as body.
/// Limits are checked while scanning, so an over-long header section is refused before it completes.
/// </summary>
public static class SipMessageParser
{
    private const int MaxContentLengthDigits = 9;

    /// <summary>
    /// Parses one message from the front of a stream buffer (TCP/TLS). A CRLFCRLF ping or CRLF pong
    /// at the front (RFC 5626 §4.4.1) comes back as <see cref="SipParseStatus.KeepAlive"/>; other
    /// stray line ends before a start line are skipped (RFC 3261 §7.5) and counted in Consumed.
    /// </summary>
    public static SipParseResult ParseStream(in ReadOnlySequence<byte> buffer, SipParseLimits? limits = null)
    {
        limits ??= SipParseLimits.Default;
        var reader = new SequenceReader<byte>(buffer);
        if (reader.IsNext("\r\n"u8))
        {
            if (reader.IsNext("\r\n\r\n"u8))
            {
                return SipParseResult.KeepAlive(4, ping: true);
            }

            // CRLF then CR might still become a ping; CRLF then anything else is a pong.
            var third = buffer.Length > 2 ? buffer.Slice(2, 1).FirstSpan[0] : (byte)'\r';
            if (third == '\r' && buffer.Length < 4)
            {
                return SipParseResult.Incomplete;
            }

            return SipParseResult.KeepAlive(2, ping: false);
        }

        var leading = reader.AdvancePastAny((byte)'\r', (byte)'\n');
        if (reader.End)
        {
            return SipParseResult.Incomplete;
        }

        var rest = buffer.Slice(reader.Position);
        var window = (int)Math.Min(rest.Length, limits.MaxMessageBytes + 1L);
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> head;
            if (rest.FirstSpan.Length >= window)
            {
                head = rest.FirstSpan[..window];
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(window);
                rest.Slice(0, window).CopyTo(rented);
                head = rented.AsSpan(0, window);
            }

            var scan = new HeadScanner(limits);
            var headResult = scan.Scan(head, endOfInput: false);
            if (headResult != ScanOutcome.Complete)
            {
                return headResult == ScanOutcome.Incomplete ? SipParseResult.Incomplete : SipParseResult.Fail(scan.Error);
            }

            // RFC 3261 §18.3: on a stream transport Content-Length is mandatory.
            if (scan.ContentLength < 0)
            {
                scan.Release();
                return SipParseResult.Fail(SipParseErrorReason.MissingContentLength, scan.HeadLength);
            }

            var total = (long)scan.HeadLength + scan.ContentLength;
            if (total > limits.MaxMessageBytes)
            {
                scan.Release();
                return SipParseResult.Fail(SipParseErrorReason.MessageTooLarge, scan.HeadLength);
            }

            if (rest.Length < total)
            {
                scan.Release();
                return SipParseResult.Incomplete;
            }

            var data = new byte[total];
            rest.Slice(0, total).CopyTo(data);
            var message = scan.Build(data, scan.HeadLength, scan.ContentLength);
            return SipParseResult.Complete(message, leading + total);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Parses one datagram (UDP). The body is the rest of the datagram; a Content-Length larger than
    /// that is an error (RFC 3261 §18.3), a smaller one cuts the body and the extra octets are dropped.
    /// A datagram of only CRLFs is a keep-alive (RFC 5626 §3.5.1 uses STUN, but CRLFCRLF is common).
    /// </summary>
    public static SipParseResult ParseDatagram(ReadOnlySpan<byte> datagram, SipParseLimits? limits = null)
    {
        limits ??= SipParseLimits.Default;
        var leading = 0;
        while (leading < datagram.Length && datagram[leading] is (byte)'\r' or (byte)'\n')
        {
            leading++;
        }

        var input = datagram[leading..];
        if (input.IsEmpty)
        {
            return leading > 0
                ? SipParseResult.KeepAlive(leading, ping: datagram.StartsWith("\r\n\r\n"u8))
                : SipParseResult.Fail(SipParseErrorReason.BadStartLine, 0);
        }

        if (input.Length > limits.MaxMessageBytes)
        {
            return SipParseResult.Fail(SipParseErrorReason.MessageTooLarge, limits.MaxMessageBytes);
        }

        var scan = new HeadScanner(limits);
        var outcome = scan.Scan(input, endOfInput: true);
        if (outcome != ScanOutcome.Complete)
        {
            return SipParseResult.Fail(scan.Error);
        }

        var available = input.Length - scan.HeadLength;
        var bodyLength = available;
        if (scan.ContentLength >= 0)
        {
            if (scan.ContentLength > available)
            {
                scan.Release();
                return SipParseResult.Fail(SipParseErrorReason.BodyTruncated, input.Length);
            }

            bodyLength = scan.ContentLength;
        }

        var data = input[..(scan.HeadLength + bodyLength)].ToArray();
        return SipParseResult.Complete(scan.Build(data, scan.HeadLength, bodyLength), leading + data.Length);
    }

    /// <summary>Parses a whole message held in a string (tests, tools). Datagram rules apply.</summary>
    public static SipParseResult ParseDatagram(string text, SipParseLimits? limits = null) =>
        ParseDatagram(Encoding.UTF8.GetBytes(text), limits);

    private enum ScanOutcome
    {
        Incomplete,
        Complete,
        Error,
    }

    /// <summary>Walks the start line and header lines once, recording field offsets and checking limits.</summary>
    private ref struct HeadScanner
    {
        private readonly SipParseLimits _limits;
        private SipHeaderField[] _fields;
        private int _count;
        private bool _isResponse;
        private int _methodLength;
        private int _uriStart;
        private int _uriLength;
        private int _statusCode;
        private int _reasonStart;
        private int _reasonLength;

        public HeadScanner(SipParseLimits limits)
        {
            _limits = limits;
            _fields = [];
            _count = 0;
            ContentLength = -1;
        }

        public SipParseError Error { get; private set; }

        public int HeadLength { get; private set; }

        public int ContentLength { get; private set; }

        public ScanOutcome Scan(ReadOnlySpan<byte> s, bool endOfInput)
        {
            var outcome = ScanCore(s, endOfInput);
            if (outcome == ScanOutcome.Complete)
            {
                outcome = ReadContentLength(s);
            }

            if (outcome != ScanOutcome.Complete)
            {
                Release();
            }

            return outcome;
        }

        /// <summary>Gives the pooled field array back when no message is built.</summary>
        public void Release()
        {
            if (_fields.Length > 0)
            {
                ArrayPool<SipHeaderField>.Shared.Return(_fields);
                _fields = [];
            }
        }

        private ScanOutcome ScanCore(ReadOnlySpan<byte> s, bool endOfInput)
        {
            // Start line.
            var lf = s.IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (s.Length > _limits.MaxHeaderLineBytes)
                {
                    return Fail(SipParseErrorReason.StartLineTooLong, _limits.MaxHeaderLineBytes);
                }

                return endOfInput ? Fail(SipParseErrorReason.BadLineEnding, s.Length) : ScanOutcome.Incomplete;
            }

            if (lf > _limits.MaxHeaderLineBytes)
            {
                return Fail(SipParseErrorReason.StartLineTooLong, _limits.MaxHeaderLineBytes);
            }

            if (lf == 0 || s[lf - 1] != '\r')
            {
                return Fail(SipParseErrorReason.BadLineEnding, lf);
            }

            if (!ParseStartLine(s[..(lf - 1)]))
            {
                return ScanOutcome.Error;
            }

            _fields = ArrayPool<SipHeaderField>.Shared.Rent(Math.Min(_limits.MaxHeaderCount, 32));
            var pos = lf + 1;
            var fieldStart = -1;
            while (true)
            {
                if (pos > _limits.MaxMessageBytes)
                {
                    return Fail(SipParseErrorReason.MessageTooLarge, _limits.MaxMessageBytes);
                }

                lf = s[pos..].IndexOf((byte)'\n');
                if (lf < 0)
                {
                    var partialStart = fieldStart >= 0 && pos < s.Length && s[pos] is (byte)' ' or (byte)'\t' ? fieldStart : pos;
                    if (s.Length - partialStart > _limits.MaxHeaderLineBytes)
                    {
                        return Fail(SipParseErrorReason.HeaderLineTooLong, partialStart);
                    }

                    if (s.Length > _limits.MaxMessageBytes)
                    {
                        return Fail(SipParseErrorReason.MessageTooLarge, _limits.MaxMessageBytes);
                    }

                    return endOfInput ? Fail(SipParseErrorReason.BadLineEnding, s.Length) : ScanOutcome.Incomplete;
                }

                lf += pos;
                if (lf == pos || s[lf - 1] != '\r')
                {
                    return Fail(SipParseErrorReason.BadLineEnding, lf);
                }

                var lineEnd = lf - 1; // index of CR
                var line = s[pos..lineEnd];
                if (line.IndexOf((byte)'\r') >= 0)
                {
                    return Fail(SipParseErrorReason.BadLineEnding, pos + line.IndexOf((byte)'\r'));
                }

                if (line.IsEmpty)
                {
                    HeadLength = lf + 1;
                    return FinishHeaders();
                }

                if (line[0] is (byte)' ' or (byte)'\t')
                {
                    // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field.
                    if (_count == 0)
                    {
                        return Fail(SipParseErrorReason.BadHeaderName, pos);
                    }

                    if (lineEnd - fieldStart > _limits.MaxHeaderLineBytes)
                    {
                        return Fail(SipParseErrorReason.HeaderLineTooLong, fieldStart);
                    }

                    ref var last = ref _fields[_count - 1];
                    var valueStart = last.ValueLength == 0 ? SkipWs(s, last.ValueStart, lineEnd) : last.ValueStart;
                    var valueEnd = TrimEnd(s, valueStart, lineEnd);
                    last = last with { ValueStart = valueStart, ValueLength = valueEnd - valueStart, Folded = true };
                }
                else
                {
                    if (line.Length > _limits.MaxHeaderLineBytes)
                    {
                        return Fail(SipParseErrorReason.HeaderLineTooLong, pos);
                    }

                    if (_count >= _limits.MaxHeaderCount)
                    {
                        return Fail(SipParseErrorReason.TooManyHeaders, pos);
                    }

                    var nameLength = 0;
                    while (nameLength < line.Length && SipChars.IsToken(line[nameLength]))
                    {
                        nameLength++;
                    }

                    if (nameLength == 0)
                    {
                        return Fail(SipParseErrorReason.BadHeaderName, pos);
                    }

                    var i = nameLength;
                    while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
                    {
                        i++;
                    }

                    if (i == line.Length || line[i] != ':')
                    {
                        var missing = i == line.Length || i > nameLength;
                        return Fail(missing ? SipParseErrorReason.MissingColon : SipParseErrorReason.BadHeaderName, pos + i);
                    }

                    var valueStart = SkipWs(s, pos + i + 1, lineEnd);
                    var valueEnd = TrimEnd(s, valueStart, lineEnd);
                    var kind = SipHeaderNames.Lookup(line[..nameLength]);
                    if (_count == _fields.Length)
                    {
                        var bigger = ArrayPool<SipHeaderField>.Shared.Rent(Math.Min(_count * 2, _limits.MaxHeaderCount));
                        _fields.AsSpan(0, _count).CopyTo(bigger);
                        ArrayPool<SipHeaderField>.Shared.Return(_fields);
                        _fields = bigger;
                    }

                    _fields[_count++] = new SipHeaderField(kind, pos, nameLength, valueStart, valueEnd - valueStart, false);
                    fieldStart = pos;
                }

                pos = lf + 1;
            }
        }

        private static int SkipWs(ReadOnlySpan<byte> s, int from, int end)
        {
            while (from < end && SipChars.IsWs(s[from]))
            {
                from++;
            }

            return from;
        }

        private static int TrimEnd(ReadOnlySpan<byte> s, int start, int end)
        {
            while (end > start && SipChars.IsWs(s[end - 1]))
            {
                end--;
            }

            return end;
        }

        private ScanOutcome FinishHeaders()
        {
            // Content-Length is single valued: a second one is a desync risk on streams (RFC 4475 §3.3.8).
            var seen = false;
            for (var i = 0; i < _count; i++)
            {
                if (_fields[i].Kind != SipHeaderKind.ContentLength)
                {
                    continue;
                }

                if (seen)
                {
                    return Fail(SipParseErrorReason.ConflictingContentLength, _fields[i].NameStart);
                }

                seen = true;
            }

            return ScanOutcome.Complete;
        }

        private bool ParseStartLine(ReadOnlySpan<byte> line)
        {
            if (line.StartsWith("SIP/"u8) || (line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8)))
            {
                _isResponse = true;
                return ParseStatusLine(line);
            }

            // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1): exactly one SP each.
            var sp1 = line.IndexOf((byte)' ');
            if (sp1 <= 0)
            {
                return FailBool(SipParseErrorReason.BadStartLine, 0);
            }

            if (!SipChars.IsToken(line[..sp1]))
            {
                return FailBool(SipParseErrorReason.BadMethod, 0);
            }

            var afterMethod = line[(sp1 + 1)..];
            var sp2 = afterMethod.IndexOf((byte)' ');
            if (sp2 <= 0)
            {
                return FailBool(SipParseErrorReason.BadRequestUri, sp1 + 1);
            }

            var uri = afterMethod[..sp2];
            if (!IsPlausibleRequestUri(uri))
            {
                return FailBool(SipParseErrorReason.BadRequestUri, sp1 + 1);
            }

            var versionStart = sp1 + 1 + sp2 + 1;
            var version = line[versionStart..];
            var versionCheck = CheckVersion(version);
            if (versionCheck != SipParseErrorReason.None)
            {
                return FailBool(versionCheck, versionStart);
            }

            _methodLength = sp1;
            _uriStart = sp1 + 1;
            _uriLength = sp2;
            return true;
        }

        private bool ParseStatusLine(ReadOnlySpan<byte> line)
        {
            // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).
            var sp1 = line.IndexOf((byte)' ');
            if (sp1 < 0)
            {
                return FailBool(SipParseErrorReason.BadStartLine, line.Length);
            }

            var versionCheck = CheckVersion(line[..sp1]);
            if (versionCheck != SipParseErrorReason.None)
            {
                return FailBool(versionCheck, 0);
            }

            var rest = line[(sp1 + 1)..];
            var sp2 = rest.IndexOf((byte)' ');
            var code = sp2 < 0 ? rest : rest[..sp2];
            if (code.Length != 3 || !SipChars.TryParseDigits(code, 699, out var status) || status < 100)
            {
                return FailBool(SipParseErrorReason.BadStatusCode, sp1 + 1);
            }

            _statusCode = (int)status;
            _reasonStart = sp2 < 0 ? line.Length : sp1 + 1 + sp2 + 1;
            _reasonLength = line.Length - _reasonStart;
            return true;
        }

        private static SipParseErrorReason CheckVersion(ReadOnlySpan<byte> version)
        {
            if (Ascii.EqualsIgnoreCase(version, "SIP/2.0"u8))
            {
                return SipParseErrorReason.None;
            }

            // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT: well formed but not 2.0 is 505, else 400.
            if (version.Length > 4 && Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8))
            {
                var nums = version[4..];
                var dot = nums.IndexOf((byte)'.');
                if (dot > 0 && SipChars.TryParseDigits(nums[..dot], int.MaxValue, out _) &&
                    SipChars.TryParseDigits(nums[(dot + 1)..], int.MaxValue, out _))
                {
                    return SipParseErrorReason.UnsupportedVersion;
                }
            }

            return SipParseErrorReason.BadStartLine;
        }

        private static bool IsPlausibleRequestUri(ReadOnlySpan<byte> uri)
        {
            // absoluteURI: scheme ":" ...; no '<' '>' (RFC 4475 §3.1.2.7) and no controls.
            var colon = uri.IndexOf((byte)':');
            if (colon <= 0 || !char.IsAsciiLetter((char)uri[0]))
            {
                return false;
            }

            for (var i = 1; i < colon; i++)
            {
                var c = uri[i];
                if (!char.IsAsciiLetterOrDigit((char)c) && c is not ((byte)'+' or (byte)'-' or (byte)'.'))
                {
                    return false;
                }
            }

            foreach (var b in uri)
            {
                if (b <= 0x20 || b >= 0x7F || b is (byte)'<' or (byte)'>' or (byte)'"')
                {
                    return false;
                }
            }

            return true;
        }

        private ScanOutcome Fail(SipParseErrorReason reason, long offset)
        {
            Error = new SipParseError(reason, offset, SipParseError.StatusFor(reason));
            return ScanOutcome.Error;
        }

        private bool FailBool(SipParseErrorReason reason, long offset)
        {
            Fail(reason, offset);
            return false;
        }

        private ScanOutcome ReadContentLength(ReadOnlySpan<byte> s)
        {
            for (var i = 0; i < _count; i++)
            {
                var f = _fields[i];
                if (f.Kind != SipHeaderKind.ContentLength)
                {
                    continue;
                }

                var value = s.Slice(f.ValueStart, f.ValueLength);
                if (value.Length > MaxContentLengthDigits + 1 || !SipChars.TryParseDigits(value, int.MaxValue, out var length))
                {
                    // Covers negative (RFC 4475 §3.1.2.3) and non-numeric values.
                    return Fail(SipParseErrorReason.BadContentLength, f.ValueStart);
                }

                ContentLength = (int)length;
            }

            return ScanOutcome.Complete;
        }

        public SipMessage Build(byte[] data, int headLength, int bodyLength)
        {
            var fields = _fields.AsSpan(0, _count).ToArray();
            Release();

            // RFC 3261 §7.3.1: folding is equivalent to SP; unfold in place so values read as one line.
            foreach (var f in fields)
            {
                if (f.Folded)
                {
                    foreach (ref var b in data.AsSpan(f.ValueStart, f.ValueLength))
                    {
                        if (b is (byte)'\r' or (byte)'\n')
                        {
                            b = (byte)' ';
                        }
                    }
                }
            }

            return _isResponse
                ? new SipResponse(data, fields, headLength, bodyLength, _statusCode, _reasonStart, _reasonLength)
                : new SipRequest(data, fields, headLength, bodyLength, _methodLength, _uriStart, _uriLength);
        }
    }
}
