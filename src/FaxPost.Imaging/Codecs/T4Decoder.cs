namespace FaxPost.Imaging.Codecs;

/// <summary>
/// T.4 (MH and MR) decoder with the error concealment of non-ECM reception: a corrupt row
/// (undefined code, wrong length, EOL too early) is replaced by a copy of the previous row and
/// counted; decoding resumes at the next EOL, and in MR only at the next one-dimensional row
/// (T.4 §4.2.2). The page ends at RTC (two or more EOLs in a row) or at the end of the data.
/// Without EOLs (<see cref="FaxCodingOptions.EolBeforeEachRow"/> false) errors are fatal.
/// </summary>
public sealed class T4Decoder : FaxDecoder
{
    /// <summary>An empty row is never valid, so a second EOL in a row can only begin RTC (T.4 §4.1.4).</summary>
    private const int RtcEols = 2;

    private Phase _phase;
    private int _zeros;
    private int _eolRun;
    private bool _rowPending;
    private bool _nextRow2D;
    private bool _needOneDimensional;
    private bool _started;

    public T4Decoder(int width, FaxCodingOptions options)
        : base(width, options)
    {
        if (options.Compression == FaxCompression.Mmr)
        {
            throw new FaxCodecException("T4Decoder decodes MH or MR; use T6Decoder for MMR.");
        }
    }

    private enum Phase
    {
        /// <summary>Between rows: fill, EOL, or the start of a row.</summary>
        Boundary,

        /// <summary>After an MR EOL: the 1-D/2-D tag bit.</summary>
        Tag,

        /// <summary>At the first bit of a row.</summary>
        Row,

        /// <summary>After an error: skipping to the next EOL.</summary>
        Resync,
    }

    private bool IsMr => Options.Compression == FaxCompression.Mr;

    private bool UsesEol => Options.EolBeforeEachRow;

    private protected override void ResetPage()
    {
        _phase = Phase.Boundary;
        _zeros = 0;
        _eolRun = 0;
        _rowPending = false;
        _nextRow2D = false;
        _needOneDimensional = false;
        _started = false;
    }

    private protected override long Decode(ReadOnlySpan<byte> data, long startBit, bool final, IFaxRowSink sink)
    {
        var reader = new BitReader(data, startBit);
        long committed = startBit;
        while (Status == FaxDecodeStatus.NeedMoreData)
        {
            switch (_phase)
            {
                case Phase.Boundary:
                    {
                        long zeros = _zeros + RowDecoding.SkipZeros(ref reader);
                        if (reader.Remaining <= 0)
                        {
                            // Only commit zeros that cannot be the start of a row code (at most 7 zeros).
                            if (zeros >= 11)
                            {
                                _zeros = 11;
                                committed = reader.Position;
                            }
                            else if (_rowPending && !final)
                            {
                                // The pending row is not committed: decode it again with the next push.
                                _rowPending = false;
                                _phase = Phase.Row;
                            }

                            if (final)
                            {
                                EndOfData(sink);
                            }

                            return committed;
                        }

                        if (zeros >= 11)
                        {
                            // T.4 §4.1.2: EOL (with any fill zeros before it).
                            reader.Skip(1);
                            committed = reader.Position;
                            _zeros = 0;
                            _started = true;
                            if (_rowPending && !ConfirmRow(sink))
                            {
                                return committed;
                            }

                            if (++_eolRun >= RtcEols)
                            {
                                Complete();
                                return committed;
                            }

                            _nextRow2D = false;
                            _phase = IsMr ? Phase.Tag : Phase.Boundary;
                            break;
                        }

                        // Row data starts here: go back over the zeros, they belong to its first code.
                        // With a row pending, committed is still that row's start.
                        reader = new BitReader(data, committed);
                        if (_rowPending)
                        {
                            // Bits after a complete row that are not an EOL: the row had the wrong length.
                            // Look for the next EOL from the row's start: the misread row may have eaten
                            // part of it, and no EOL pattern can occur inside correct row data.
                            _rowPending = false;
                            if (!BadRow(sink))
                            {
                                return committed;
                            }

                            _phase = Phase.Resync;
                            break;
                        }

                        _phase = Phase.Row;
                        break;
                    }

                case Phase.Tag:
                    reader.Fill();
                    if (reader.Remaining <= 0)
                    {
                        if (final)
                        {
                            EndOfData(sink);
                        }

                        return committed;
                    }

                    // T.4 §4.2.2: tag bit 1 = one-dimensional row follows, 0 = two-dimensional.
                    _nextRow2D = reader.Peek(1) == 0;
                    reader.Skip(1);
                    committed = reader.Position;
                    _phase = Phase.Boundary;
                    break;

                case Phase.Row:
                    {
                        _eolRun = 0;
                        if (_nextRow2D && _needOneDimensional)
                        {
                            // T.4 §4.2.2: a 2-D row after an error has no valid reference row.
                            if (!BadRow(sink))
                            {
                                return committed;
                            }

                            _phase = Phase.Resync;
                            break;
                        }

                        RowResult result = _nextRow2D
                            ? RowDecoding.Decode2D(ref reader, Reference, Coding, Width, out int count)
                            : RowDecoding.Decode1D(ref reader, Coding, Width, out count);
                        if (result == RowResult.Complete)
                        {
                            _started = true;
                            CodingCount = count;
                            _needOneDimensional = false;
                            if (UsesEol)
                            {
                                // T.4: the row is good only if an EOL follows; until then its bits stay uncommitted.
                                _rowPending = true;
                                _phase = Phase.Boundary;
                                break;
                            }
                            else
                            {
                                if (!EmitDecodedRow(sink))
                                {
                                    return committed;
                                }

                                if (Options.ByteAlignRows)
                                {
                                    reader.AlignToByte();
                                }
                            }

                            committed = Math.Min(reader.Position, reader.Length);
                            _phase = Phase.Boundary;
                            break;
                        }

                        if (result == RowResult.NeedMore)
                        {
                            if (final)
                            {
                                if (RowDecoding.OnlyZerosFrom(data, committed))
                                {
                                    EndOfData(sink);
                                }
                                else if (UsesEol)
                                {
                                    // A truncated last row counts as a corrupt row.
                                    if (BadRow(sink))
                                    {
                                        Complete();
                                    }
                                }
                                else
                                {
                                    Fail("data ends inside a row");
                                }
                            }

                            return committed;
                        }

                        if (!UsesEol)
                        {
                            Fail(result == RowResult.Eol ? "EOL inside a row" : "invalid code");
                            return committed;
                        }

                        // Bits before the first EOL that do not decode are line noise, not a row.
                        if (_started && !BadRow(sink))
                        {
                            return committed;
                        }

                        if (result == RowResult.Eol)
                        {
                            // The reader stands on the early EOL: the next row starts there.
                            committed = reader.Position;
                            _phase = Phase.Boundary;
                        }
                        else
                        {
                            // Search for the next EOL from the row's start (see above).
                            reader = new BitReader(data, committed);
                            _phase = Phase.Resync;
                        }

                        break;
                    }

                case Phase.Resync:
                    {
                        long zeros = _zeros + RowDecoding.SkipZeros(ref reader);
                        if (reader.Remaining <= 0)
                        {
                            _zeros = (int)Math.Min(zeros, 11);
                            committed = reader.Position;
                            if (final)
                            {
                                Complete();
                            }

                            return committed;
                        }

                        reader.Skip(1);
                        committed = reader.Position;
                        _zeros = 0;
                        if (zeros >= 11)
                        {
                            _started = true;
                            _eolRun = 1;
                            _nextRow2D = false;
                            _phase = IsMr ? Phase.Tag : Phase.Boundary;
                        }

                        break;
                    }
            }
        }

        return committed;
    }

    private bool ConfirmRow(IFaxRowSink sink)
    {
        _rowPending = false;
        return EmitDecodedRow(sink);
    }

    private bool BadRow(IFaxRowSink sink)
    {
        _needOneDimensional = IsMr;
        return EmitBadRow(sink);
    }

    private void EndOfData(IFaxRowSink sink)
    {
        if (_rowPending && !ConfirmRow(sink))
        {
            return;
        }

        Complete();
    }
}
