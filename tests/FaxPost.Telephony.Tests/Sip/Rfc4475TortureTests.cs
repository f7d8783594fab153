using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

/// <summary>
/// RFC 4475 torture messages (TestData/rfc4475/*.dat, byte-exact) each beside a .expected file:
/// valid ones parse and validate with the listed properties, invalid ones fail at the named stage
/// with the SIP status the RFC asks for.
/// </summary>
public sealed partial class Rfc4475TortureTests
{
    public static TheoryData<string> Messages() => new(Names());

    public static TheoryData<string> ValidMessages() => new(Names().Where(n => Expected(n)["outcome"] == "valid"));

    private static IEnumerable<string> Names() =>
        Directory.GetFiles(Folder(), "*.dat").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void All_rfc_sections_are_covered()
    {
        // 13 valid, 19 invalid (§3.1), 1 transaction (§3.2), 15 application (§3.3).
        Assert.Equal(48, Names().Count());
    }

    [Theory]
    [MemberData(nameof(Messages))]
    public void Message_has_the_expected_outcome(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), name + ".dat"));
        var expected = Expected(name);
        var result = SipMessageParser.ParseDatagram(bytes);

        if (expected["outcome"] == "invalid")
        {
            SipParseError error;
            if (expected.TryGetValue("stage", out var stage) && stage == "parse")
            {
                Assert.Equal(SipParseStatus.Error, result.Status);
                error = result.Error;
            }
            else if (result.Status == SipParseStatus.Error)
            {
                Assert.False(expected.ContainsKey("stage"), $"{name} should parse and fail validation, got {result}");
                error = result.Error;
            }
            else
            {
                Assert.False(result.Message!.TryValidate(out error), $"{name} validated but the RFC calls it invalid");
            }

            Assert.Equal(int.Parse(expected["status"], CultureInfo.InvariantCulture), error.StatusCode);
            if (expected.TryGetValue("reason", out var reason))
            {
                Assert.Equal(reason, error.Reason.ToString());
            }

            return;
        }

        Assert.True(result.Status == SipParseStatus.Complete, $"{name}: {result}");
        var message = result.Message!;
        Assert.True(message.TryValidate(out var validation), $"{name}: {validation}");
        foreach (var (key, value) in expected)
        {
            if (key is "outcome" or "section")
            {
                continue;
            }

            if (key == "datagram.consumed")
            {
                Assert.Equal(long.Parse(value, CultureInfo.InvariantCulture), result.Consumed);
                continue;
            }

            Assert.True(Unescape(value) == Property(message, key), $"{name}: {key} expected '{value}' but was '{Property(message, key)}'");
        }
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Every_prefix_of_a_valid_message_is_incomplete_on_a_stream(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), name + ".dat"));
        var whole = SipMessageParser.ParseDatagram(bytes).Consumed;
        if (SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes)).Status == SipParseStatus.Error)
        {
            // Only messages without Content-Length are refused on streams (RFC 3261 §18.3); none here.
            Assert.Fail($"{name} failed on the stream path");
        }

        for (var n = 0; n < whole; n++)
        {
            var prefix = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes, 0, n));
            Assert.True(prefix.Status == SipParseStatus.Incomplete, $"{name} prefix {n}: {prefix}");
            Assert.Equal(0, prefix.Consumed);
        }
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Valid_message_split_across_random_segments_parses_the_same(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), name + ".dat"));
        var reference = SipMessageParser.ParseStream(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(SipParseStatus.Complete, reference.Status);
        var random = new Random(name.Length);
        for (var i = 0; i < 50; i++)
        {
            var result = SipMessageParser.ParseStream(TestSequences.RandomSegments(bytes, random));
            Assert.Equal(reference.Consumed, result.Consumed);
            Assert.Equal(reference.Message!.RawBytes.ToArray(), result.Message!.RawBytes.ToArray());
        }
    }

    private static string Property(SipMessage m, string key)
    {
        var request = m as SipRequest;
        var response = m as SipResponse;
        switch (key)
        {
            case "method": return request!.Method;
            case "status-code": return response!.StatusCode.ToString(CultureInfo.InvariantCulture);
            case "reason-phrase": return response!.ReasonPhrase;
            case "call-id": return m.CallId;
            case "cseq": return m.CSeq.ToString();
            case "max-forwards": return m.MaxForwards?.ToString(CultureInfo.InvariantCulture) ?? "<none>";
            case "content-type": return m.ContentType ?? "<none>";
            case "body.length": return m.Body.Length.ToString(CultureInfo.InvariantCulture);
            case "via.count": return m.Vias.Count.ToString(CultureInfo.InvariantCulture);
            case "contact.count": return m.Contacts.Count.ToString(CultureInfo.InvariantCulture);
            case "route.count": return m.Routes.Count.ToString(CultureInfo.InvariantCulture);
            case "require": return string.Join('|', m.Require);
            case "proxy-require": return string.Join('|', m.ProxyRequire);
        }

        if (key.StartsWith("header.", StringComparison.Ordinal))
        {
            return m.GetHeader(key["header.".Length..]) ?? "<none>";
        }

        if (key.StartsWith("header-values.", StringComparison.Ordinal))
        {
            return string.Join('|', m.GetHeaderValues(key["header-values.".Length..]));
        }

        if (key.StartsWith("header-count.", StringComparison.Ordinal))
        {
            var name = key["header-count.".Length..];
            var count = Enumerable.Range(0, m.HeaderCount).Count(i => m.HeaderName(i) == name);
            return count.ToString(CultureInfo.InvariantCulture);
        }

        if (key.StartsWith("ruri.", StringComparison.Ordinal))
        {
            return UriProperty(request!.RequestUri, key["ruri.".Length..]);
        }

        var match = IndexedKey().Match(key);
        if (match.Success)
        {
            var index = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            var rest = match.Groups[3].Value;
            switch (match.Groups[1].Value)
            {
                case "via":
                    var via = m.Vias[index];
                    return rest switch
                    {
                        "transport" => via.Transport,
                        "host" => via.Host,
                        "port" => via.Port?.ToString(CultureInfo.InvariantCulture) ?? "<none>",
                        "branch" => via.Branch ?? "<none>",
                        "received" => via.Received ?? "<none>",
                        _ => ParamProperty(via.Parameters, rest),
                    };
                case "from":
                    return AddressProperty(m.From, rest);
                case "to":
                    return AddressProperty(m.To, rest);
                case "contact":
                    return AddressProperty(m.Contacts[index], rest);
                case "route":
                    return AddressProperty(m.Routes[index], rest);
            }
        }

        throw new InvalidOperationException($"Unknown expectation key '{key}'.");
    }

    private static string AddressProperty(SipNameAddress a, string key) => key switch
    {
        "display" => a.DisplayName ?? "<none>",
        "tag" => a.Tag ?? "<none>",
        "param-count" => a.Parameters.Count.ToString(CultureInfo.InvariantCulture),
        _ when key.StartsWith("uri.", StringComparison.Ordinal) => UriProperty(a.Uri, key["uri.".Length..]),
        _ => ParamProperty(a.Parameters, key),
    };

    private static string UriProperty(SipUri uri, string key) => key switch
    {
        "scheme" => uri.Scheme,
        "user" => uri.User ?? "<none>",
        "host" => uri.Host,
        "port" => uri.Port?.ToString(CultureInfo.InvariantCulture) ?? "<none>",
        "had-password" => uri.HadPassword ? "true" : "false",
        "param-count" => uri.Parameters.Count.ToString(CultureInfo.InvariantCulture),
        _ when key.StartsWith("header.", StringComparison.Ordinal) => uri.Headers[key["header.".Length..]] ?? "<none>",
        _ => ParamProperty(uri.Parameters, key),
    };

    private static string ParamProperty(SipParameters parameters, string key)
    {
        if (!key.StartsWith("param.", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unknown expectation key '{key}'.");
        }

        return parameters.TryGet(key["param.".Length..], out var value) ? value ?? "<flag>" : "<none>";
    }

    private static Dictionary<string, string> Expected(string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(Path.Combine(Folder(), name + ".expected"), Encoding.UTF8))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                result[line[..colon]] = line[(colon + 2)..];
            }
            else if (line.EndsWith(':'))
            {
                result[line[..^1]] = string.Empty;
            }
        }

        return result;
    }

    // Expected values may spell control characters as \xHH.
    private static string Unescape(string value) =>
        HexEscape().Replace(value, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    private static string Folder([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "TestData", "rfc4475");

    [GeneratedRegex(@"^(via|from|to|contact|route)(?:\[(\d+)\])?\.(.+)$")]
    private static partial Regex IndexedKey();

    [GeneratedRegex(@"\\x([0-9A-Fa-f]{2})")]
    private static partial Regex HexEscape();
}
