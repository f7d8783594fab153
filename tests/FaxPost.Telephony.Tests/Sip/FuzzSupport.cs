using System.Buffers;

namespace FaxPost.Telephony.Tests.Sip;

/// <summary>Small deterministic mutations for fuzz-style tests.</summary>
internal static class Fuzz
{
    private static readonly byte[] Interesting = "\r\n:;,<>\"\\ \t%@[]=/0123456789-"u8.ToArray();

    public static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    data.RemoveAt(at);
                    break;
                case 3:
                    data.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 4:
                    var len = Math.Min(random.Next(1, 16), data.Count - at);
                    data.RemoveRange(at, len);
                    break;
                default:
                    var from = random.Next(data.Count);
                    var n = Math.Min(random.Next(1, 24), data.Count - from);
                    data.InsertRange(at, data.GetRange(from, n));
                    break;
            }
        }

        return data.ToArray();
    }
}

/// <summary>Builds multi-segment sequences so parsers see input split at arbitrary places.</summary>
internal static class TestSequences
{
    public static ReadOnlySequence<byte> RandomSegments(byte[] data, Random random)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        var pos = 0;
        while (pos < data.Length)
        {
            var n = Math.Min(random.Next(1, 40), data.Length - pos);
            var segment = new Segment(data.AsMemory(pos, n));
            if (first is null)
            {
                first = last = segment;
            }
            else
            {
                last = last!.Append(segment);
            }

            pos += n;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
