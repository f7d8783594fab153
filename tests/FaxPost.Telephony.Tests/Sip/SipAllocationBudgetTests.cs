using System.Buffers;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

/// <summary>
/// Allocation budgets for the hot paths (bytes, not time, so they are deterministic): a parsed
/// message costs its own copy of the bytes plus a small index, and writing one back costs nothing
/// beyond the output buffer.
/// </summary>
public sealed class SipAllocationBudgetTests
{
    [Fact]
    public void Parsing_a_typical_invite_allocates_the_message_copy_and_a_small_index()
    {
        var bytes = SipTestMessages.Bytes(SipTestMessages.Invite());
        var segmented = TestSequences.RandomSegments(bytes, new Random(5));
        for (var i = 0; i < 50; i++)
        {
            SipMessageParser.ParseDatagram(bytes);
            SipMessageParser.ParseStream(segmented);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        const int rounds = 200;
        for (var i = 0; i < rounds; i++)
        {
            SipMessageParser.ParseDatagram(bytes);
            SipMessageParser.ParseStream(segmented);
        }

        var perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / (rounds * 2);

        // The byte copy (~1 KB here), one 24-byte entry per header field (17) and the message object.
        Assert.InRange(perMessage, bytes.Length, bytes.Length + 700);
    }

    [Fact]
    public void Writing_a_parsed_message_back_allocates_nothing_per_message()
    {
        var message = SipMessageParser.ParseDatagram(SipTestMessages.Bytes(SipTestMessages.Invite())).Message!;
        var output = new ArrayBufferWriter<byte>(4096);
        for (var i = 0; i < 50; i++)
        {
            output.ResetWrittenCount();
            message.WriteTo(output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            output.ResetWrittenCount();
            message.WriteTo(output);
        }

        // Only the Content-Length digits are formatted into a string.
        Assert.InRange((GC.GetAllocatedBytesForCurrentThread() - before) / 200, 0, 64);
    }
}
