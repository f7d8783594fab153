using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

/// <summary>A managed copy of an IFP packet for building test inputs and comparing results.</summary>
internal sealed record IfpModel(bool IsIndicator, int Value, (IfpFieldType Type, byte[] Data)[] Fields)
{
    public static IfpModel Indicator(T38Indicator indicator) => new(true, (int)indicator, []);

    public static IfpModel Data(T38DataType type, params (IfpFieldType, byte[])[] fields) => new(false, (int)type, fields);

    public static IfpModel From(in IfpPacket p)
    {
        var fields = new List<(IfpFieldType, byte[])>();
        foreach (var f in p.Fields)
        {
            fields.Add((f.Type, f.Data.ToArray()));
        }

        return new IfpModel(p.IsIndicator, p.IsIndicator ? (int)p.Indicator : (int)p.DataType, [.. fields]);
    }

    public byte[] Encode(int version)
    {
        var buf = new byte[70000 + Fields.Sum(f => f.Data.Length)];
        int n;
        if (IsIndicator)
        {
            Assert.True(IfpCodec.TryEncodeIndicator((T38Indicator)Value, version, buf, out n));
        }
        else
        {
            var w = new IfpDataWriter(buf, version, (T38DataType)Value);
            foreach (var (type, data) in Fields)
            {
                w.AddField(type, data);
            }

            Assert.True(w.TryFinish(out n));
        }

        return buf[..n];
    }

    public bool SameAs(IfpModel other) =>
        IsIndicator == other.IsIndicator && Value == other.Value && Fields.Length == other.Fields.Length &&
        Fields.Zip(other.Fields).All(p => p.First.Type == p.Second.Type && p.First.Data.AsSpan().SequenceEqual(p.Second.Data));

    /// <summary>A random valid packet for <paramref name="version"/>.</summary>
    public static IfpModel Random(Random rng, int version)
    {
        if (rng.Next(3) == 0)
        {
            var maxInd = version == 0 ? (int)T38Indicator.V17LongTraining14400 : (int)T38Indicator.V33Training14400;
            return Indicator((T38Indicator)rng.Next(maxInd + 1));
        }

        var maxType = version == 0 ? (int)T38DataType.V17Rate14400 : (int)T38DataType.V33Rate14400;
        var maxField = version == 0 ? (int)IfpFieldType.T4NonEcmSigEnd : (int)IfpFieldType.V34Rate;
        var fields = new (IfpFieldType, byte[])[rng.Next(rng.Next(8) == 0 ? 200 : 5)];
        for (var i = 0; i < fields.Length; i++)
        {
            var data = new byte[rng.Next(3) == 0 ? 0 : rng.Next(1, 40)];
            rng.NextBytes(data);
            fields[i] = ((IfpFieldType)rng.Next(maxField + 1), data);
        }

        return Data((T38DataType)rng.Next(maxType + 1), fields);
    }
}
