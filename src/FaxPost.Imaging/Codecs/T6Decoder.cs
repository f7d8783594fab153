namespace FaxPost.Imaging.Codecs;

/// <summary>
/// T.6 (MMR) decoder. MMR has no EOL to resynchronise on, so any coding error ends the page
/// with <see cref="FaxDecodeStatus.Failed"/>; rows delivered before it stay valid.
/// The page ends at EOFB, or at the end of the data when there is none.
/// </summary>
public sealed class T6Decoder : FaxDecoder
{
    private int _boundaryZeros;
    private int _eols;

    public T6Decoder(int width, FaxCodingOptions options)
        : base(width, options)
    {
        if (options.Compression != FaxCompression.Mmr)
        {
            throw new FaxCodecException("T6Decoder decodes MMR only.");
        }
    }

    private protected override void ResetPage()
    {
        _boundaryZeros = 0;
        _eols = 0;
    }

    private protected override long Decode(ReadOnlySpan<byte> data, long startBit, bool final, IFaxRowSink sink)
    {
        var reader = new BitReader(data, startBit);
        long committed = startBit;
        while (true)
        {
            reader.Fill();
            if (reader.Remaining <= 0)
            {
                if (final && _eols == 1)
                {
                    Fail("EOL without EOFB in MMR data");
                }

                return committed;
            }

            if (_boundaryZeros > 0 || reader.Peek(7) == 0)
            {
                // Seven zeros cannot start a row: EOFB (T.6 §2.4), or zero padding at the end.
                long zeros = _boundaryZeros + RowDecoding.SkipZeros(ref reader);
                if (reader.Remaining <= 0)
                {
                    if (zeros >= 11)
                    {
                        _boundaryZeros = (int)Math.Min(zeros, 11);
                        committed = reader.Position;
                    }

                    if (final && _eols == 1)
                    {
                        Fail("EOL without EOFB in MMR data");
                    }

                    return committed;
                }

                if (zeros < 11)
                {
                    Fail("invalid code or misplaced EOL in MMR data");
                    return committed;
                }

                reader.Skip(1);
                committed = reader.Position;
                _boundaryZeros = 0;
                if (++_eols == 2)
                {
                    Complete();
                    return committed;
                }

                continue;
            }

            if (_eols != 0)
            {
                Fail("EOL inside MMR data");
                return committed;
            }

            RowResult result = RowDecoding.Decode2D(ref reader, Reference, Coding, Width, out int count);
            switch (result)
            {
                case RowResult.Complete:
                    CodingCount = count;
                    if (!EmitDecodedRow(sink))
                    {
                        return committed;
                    }

                    if (Options.ByteAlignRows)
                    {
                        reader.AlignToByte();
                    }

                    committed = Math.Min(reader.Position, reader.Length);
                    break;
                case RowResult.NeedMore:
                    if (final)
                    {
                        Fail("MMR data ends inside a row");
                    }

                    return committed;
                case RowResult.Eol:
                    Fail("EOL inside an MMR row");
                    return committed;
                default:
                    Fail("invalid MMR code");
                    return committed;
            }
        }
    }
}
