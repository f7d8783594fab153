namespace FaxPost.Fax.T30;

/// <summary>The post-message command a PPS carries (T.30 §5.3.6.1.7, FCF2); <see cref="Null"/> = more blocks of this page follow.</summary>
public enum T30PostMessage : byte
{
    Null,
    Mps,
    Eom,
    Eop,
    PriMps,
    PriEom,
    PriEop,
}

/// <summary>PPS information field (T.30 A.4.3): FCF2, page counter, block counter, frame count − 1.</summary>
public readonly record struct PpsFrame(T30PostMessage PostMessage, int Page, int Block, int FrameCount)
{
    public const int FifLength = 4;

    public static bool TryParse(ReadOnlySpan<byte> fif, out PpsFrame pps, out T30FrameError error)
    {
        pps = default;
        if (fif.Length != FifLength)
        {
            error = fif.Length < FifLength ? T30FrameError.FifTooShort : T30FrameError.FifTooLong;
            return false;
        }

        T30PostMessage? pm = (fif[0] & 0xFE) switch
        {
            0x00 => T30PostMessage.Null,
            (byte)T30FrameType.Mps => T30PostMessage.Mps,
            (byte)T30FrameType.Eom => T30PostMessage.Eom,
            (byte)T30FrameType.Eop => T30PostMessage.Eop,
            (byte)T30FrameType.PriMps => T30PostMessage.PriMps,
            (byte)T30FrameType.PriEom => T30PostMessage.PriEom,
            (byte)T30FrameType.PriEop => T30PostMessage.PriEop,
            _ => null,
        };
        if (pm is null)
        {
            error = T30FrameError.BadFif;
            return false;
        }

        pps = new PpsFrame(pm.Value, fif[1], fif[2], fif[3] + 1);
        error = T30FrameError.None;
        return true;
    }

    /// <summary>Writes the FIF; the FCF2 gets the X bit like the frame's own FCF.</summary>
    public int Write(Span<byte> destination, bool x)
    {
        if ((uint)Page > 255 || (uint)Block > 255 || FrameCount is < 1 or > 256)
        {
            throw new InvalidOperationException("PPS counters are one octet; a block has 1 to 256 frames");
        }

        var fcf2 = PostMessage switch
        {
            T30PostMessage.Null => (byte)0,
            T30PostMessage.Mps => T30Fcf.Encode(T30FrameType.Mps, x),
            T30PostMessage.Eom => T30Fcf.Encode(T30FrameType.Eom, x),
            T30PostMessage.Eop => T30Fcf.Encode(T30FrameType.Eop, x),
            T30PostMessage.PriMps => T30Fcf.Encode(T30FrameType.PriMps, x),
            T30PostMessage.PriEom => T30Fcf.Encode(T30FrameType.PriEom, x),
            _ => T30Fcf.Encode(T30FrameType.PriEop, x),
        };
        destination[0] = fcf2;
        destination[1] = (byte)Page;
        destination[2] = (byte)Block;
        destination[3] = (byte)(FrameCount - 1);
        return FifLength;
    }
}

/// <summary>
/// The PPR bitmap (T.30 A.4.4): 256 bits, one per frame number of the block, frame n in octet n / 8 at
/// 1 &lt;&lt; (n % 8); a set bit asks for that frame again.
/// </summary>
public sealed class EcmFrameMap
{
    public const int Octets = 32;
    public const int MaxFrames = 256;
    private readonly byte[] _bits = new byte[Octets];

    public static EcmFrameMap Parse(ReadOnlySpan<byte> fif)
    {
        if (fif.Length != Octets)
        {
            throw new ArgumentException("a PPR bitmap is 32 octets", nameof(fif));
        }

        var map = new EcmFrameMap();
        fif.CopyTo(map._bits);
        return map;
    }

    public bool this[int frame]
    {
        get => (_bits[Check(frame) >> 3] & (1 << (frame & 7))) != 0;
        set
        {
            ref var o = ref _bits[Check(frame) >> 3];
            o = value ? (byte)(o | (1 << (frame & 7))) : (byte)(o & ~(1 << (frame & 7)));
        }
    }

    /// <summary>Marks every frame from 0 to <paramref name="frameCount"/> − 1 as wanted (before any arrive).</summary>
    public void RequestAll(int frameCount)
    {
        Array.Clear(_bits);
        for (var i = 0; i < frameCount; i++)
        {
            this[i] = true;
        }
    }

    public int Count
    {
        get
        {
            var n = 0;
            foreach (var b in _bits)
            {
                n += System.Numerics.BitOperations.PopCount(b);
            }

            return n;
        }
    }

    public int Write(Span<byte> destination)
    {
        _bits.CopyTo(destination);
        return Octets;
    }

    private static int Check(int frame) => (uint)frame < MaxFrames ? frame : throw new ArgumentOutOfRangeException(nameof(frame));
}

/// <summary>FCD frames (T.4 A.3.6.3): FCF 0x06, one octet frame number, 64 or 256 octets of coded image data.</summary>
public static class FcdFrame
{
    public static bool TryParse(in T30Frame frame, out int frameNumber, out ReadOnlySpan<byte> data, out T30FrameError error)
    {
        frameNumber = -1;
        data = default;
        if (frame.Type != T30FrameType.Fcd)
        {
            error = T30FrameError.UnknownFcf;
            return false;
        }

        var fif = frame.Fif;
        if (fif.Length < 2)
        {
            error = T30FrameError.FifTooShort;
            return false;
        }

        if (fif.Length > 1 + 256)
        {
            error = T30FrameError.FifTooLong;
            return false;
        }

        frameNumber = fif[0];
        data = fif[1..];
        error = T30FrameError.None;
        return true;
    }

    /// <summary>Writes a whole FCD frame: FF 03 06 n data.</summary>
    public static int Write(Span<byte> destination, int frameNumber, ReadOnlySpan<byte> data)
    {
        if ((uint)frameNumber > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(frameNumber));
        }

        if (data.IsEmpty || data.Length > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "an FCD frame carries 1 to 256 octets");
        }

        destination[0] = T30Frame.Address;
        destination[1] = T30Frame.ControlNotFinal;
        destination[2] = (byte)T30FrameType.Fcd;
        destination[3] = (byte)frameNumber;
        data.CopyTo(destination[4..]);
        return 4 + data.Length;
    }
}
