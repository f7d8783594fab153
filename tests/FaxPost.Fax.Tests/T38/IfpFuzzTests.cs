using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

public sealed class IfpFuzzTests
{
    /// <summary>Mutates valid packets 100,000 times: each result is a clean packet or a reason, never an exception.</summary>
    [Fact]
    public void Mutated_packets_decode_cleanly_or_fail_with_a_reason()
    {
        var rng = new Random(1998);
        var seeds = Enumerable.Range(0, 64).Select(i => (Version: i % 4, Wire: IfpModel.Random(rng, i % 4).Encode(i % 4))).ToArray();
        var accepted = 0;
        var reasons = new HashSet<IfpError>();
        var buf = new byte[4096];
        for (var i = 0; i < 100_000; i++)
        {
            var (version, wire) = seeds[rng.Next(seeds.Length)];
            var len = Mutate(rng, wire, buf);
            var input = buf.AsSpan(0, len);
            if (IfpCodec.TryDecode(input, version, out var p, out var error))
            {
                accepted++;
                Assert.Equal(IfpError.None, error);
                Assert.Equal(len, p.Length);
                // Independent check: what we accepted re-encodes into something that decodes the same.
                var model = IfpModel.From(p);
                var again = model.Encode(version);
                Assert.True(IfpCodec.TryDecode(again, version, out var p2, out _));
                Assert.True(model.SameAs(IfpModel.From(p2)));
            }
            else
            {
                Assert.NotEqual(IfpError.None, error);
                reasons.Add(error);
            }
        }

        Assert.InRange(accepted, 1, 99_999);
        Assert.Contains(IfpError.Truncated, reasons);
        Assert.Contains(IfpError.TrailingBytes, reasons);
    }

    internal static int Mutate(Random rng, ReadOnlySpan<byte> seed, Span<byte> dest)
    {
        var len = Math.Min(seed.Length, dest.Length - 8);
        seed[..len].CopyTo(dest);
        var edits = 1 + rng.Next(3);
        for (var e = 0; e < edits; e++)
        {
            switch (rng.Next(5))
            {
                case 0 when len > 0:
                    dest[rng.Next(len)] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when len > 0:
                    dest[rng.Next(len)] = (byte)rng.Next(256);
                    break;
                case 2:
                    len = rng.Next(len + 1);
                    break;
                case 3 when len < dest.Length - 1:
                    var at = rng.Next(len + 1);
                    dest[at..len].CopyTo(dest[(at + 1)..]);
                    dest[at] = (byte)rng.Next(256);
                    len++;
                    break;
                case 4 when len > 0:
                    var del = rng.Next(len);
                    dest[(del + 1)..len].CopyTo(dest[del..]);
                    len--;
                    break;
            }
        }

        return len;
    }
}
