using System.Buffers;

namespace FaxPost.Core.Jobs;

/// <summary>
/// Finds the structural damage Ghostscript silently repairs (a cut-off file, a wrong startxref, a
/// cross-reference table whose offsets do not point at their objects), so a PDF that renders only
/// thanks to repair is accepted with a warning on the job instead of passing unnoticed: the pages
/// may be incomplete. Cheap: reads the tail, the last cross-reference section and a few bytes per
/// object it names (at most <see cref="MaxEntries"/>). Never throws for what the file holds.
/// </summary>
internal static class PdfDamageCheck
{
    public const int MaxEntries = 2000;
    private const int TailWindow = 2048;
    private const int XrefWindow = 128 * 1024;

    /// <summary>True when the file is damaged; <paramref name="damage"/> says how, in words.</summary>
    public static bool TryFindDamage(string path, out string damage)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
            return TryFindDamage(file, out damage);
        }
        catch (IOException)
        {
            damage = "";
            return false; // unreadable files are the converter's to refuse
        }
    }

    public static bool TryFindDamage(Stream file, out string damage)
    {
        long length = file.Length;
        byte[] tail = new byte[(int)Math.Min(length, TailWindow)];
        file.Seek(-tail.Length, SeekOrigin.End);
        file.ReadExactly(tail);

        // PDF 32000-1 §7.5.5: the file ends with "startxref", the byte offset of the last cross-reference section, and "%%EOF".
        int at = tail.AsSpan().LastIndexOf("startxref"u8);
        if (at < 0)
        {
            damage = "it has no startxref (the file looks cut off)";
            return true;
        }

        var reader = new TokenReader(tail.AsSpan(at + "startxref".Length));
        if (!reader.TryNumber(out long offset) || offset <= 0 || offset >= length)
        {
            damage = "its startxref offset is invalid";
            return true;
        }

        if (tail.AsSpan(at).IndexOf("%%EOF"u8) < 0)
        {
            damage = "it has no %%EOF (the file looks cut off)";
            return true;
        }

        byte[] section = ArrayPool<byte>.Shared.Rent((int)Math.Min(XrefWindow, length - offset));
        try
        {
            int read = ReadAt(file, offset, section.AsSpan(0, (int)Math.Min(XrefWindow, length - offset)));
            var head = new TokenReader(section.AsSpan(0, read));
            if (head.TryKeyword("xref"u8))
            {
                return TableIsDamaged(file, length, section.AsSpan(0, read), out damage);
            }

            // §7.5.8: a cross-reference stream is an indirect object "N G obj".
            head = new TokenReader(section.AsSpan(0, read));
            if (head.TryNumber(out _) && head.TryNumber(out _) && head.TryKeyword("obj"u8))
            {
                damage = "";
                return false;
            }

            damage = "its startxref offset is invalid";
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(section);
        }
    }

    // §7.5.4: "xref", then subsections "first count" of entries "offset generation n|f".
    private static bool TableIsDamaged(Stream file, long length, ReadOnlySpan<byte> section, out string damage)
    {
        var reader = new TokenReader(section);
        reader.TryKeyword("xref"u8);
        Span<byte> probe = stackalloc byte[48];
        int checkedEntries = 0;
        while (checkedEntries < MaxEntries && reader.TryNumber(out long first))
        {
            if (!reader.TryNumber(out long count) || count < 0)
            {
                break; // the window ended inside the table: what was read is checked
            }

            for (long i = 0; i < count && checkedEntries < MaxEntries; i++)
            {
                if (!reader.TryNumber(out long objectOffset) || !reader.TryNumber(out long generation) || !reader.TryFlag(out byte flag))
                {
                    damage = "";
                    return false; // cut by the window, not by the file
                }

                if (flag != (byte)'n' || (first + i == 0 && generation == 65535))
                {
                    continue;
                }

                checkedEntries++;
                int got = objectOffset > 0 && objectOffset < length ? ReadAt(file, objectOffset, probe) : 0;
                var obj = new TokenReader(probe[..got]);
                if (!(obj.TryNumber(out long number) && number == first + i && obj.TryNumber(out long gen) && gen == generation && obj.TryKeyword("obj"u8)))
                {
                    damage = $"its cross-reference table is damaged (object {first + i} is not where the table says)";
                    return true;
                }
            }
        }

        damage = "";
        return false;
    }

    private static int ReadAt(Stream file, long offset, Span<byte> buffer)
    {
        file.Seek(offset, SeekOrigin.Begin);
        return file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }

    /// <summary>PDF tokens as far as a cross-reference section needs them (§7.2.2 white space, §7.2.3 comments).</summary>
    private ref struct TokenReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public bool TryNumber(out long value)
        {
            SkipSpace();
            value = 0;
            int start = _at;
            while (_at < _data.Length && _data[_at] is >= (byte)'0' and <= (byte)'9' && _at - start < 18)
            {
                value = (value * 10) + (_data[_at++] - '0');
            }

            return _at > start && (_at == _data.Length || !IsRegular(_data[_at]));
        }

        public bool TryKeyword(ReadOnlySpan<byte> keyword)
        {
            SkipSpace();
            if (!_data[_at..].StartsWith(keyword) || (_at + keyword.Length < _data.Length && IsRegular(_data[_at + keyword.Length])))
            {
                return false;
            }

            _at += keyword.Length;
            return true;
        }

        public bool TryFlag(out byte flag)
        {
            SkipSpace();
            flag = _at < _data.Length ? _data[_at] : (byte)0;
            if (flag is not ((byte)'n' or (byte)'f') || (_at + 1 < _data.Length && IsRegular(_data[_at + 1])))
            {
                return false;
            }

            _at++;
            return true;
        }

        private void SkipSpace()
        {
            while (_at < _data.Length)
            {
                byte b = _data[_at];
                if (b is 0 or 9 or 10 or 12 or 13 or 32)
                {
                    _at++;
                }
                else if (b == (byte)'%')
                {
                    while (_at < _data.Length && _data[_at] is not (10 or 13))
                    {
                        _at++;
                    }
                }
                else
                {
                    return;
                }
            }
        }

        private static bool IsRegular(byte b) => b is not (0 or 9 or 10 or 12 or 13 or 32 or (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%');
    }
}
