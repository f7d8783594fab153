using Xunit.Abstractions;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>
/// The interop matrix against Debian's libspandsp (tests/interop/spandsp_t38, real-time paced like a
/// gateway), both directions: ECM on/off; V.17, V.29, V.27ter (spandsp's modems limited); standard and
/// fine; MH, MR, MMR (spandsp's compressions limited); 1, 5 and 20 pages; every received page compared
/// pixel for pixel with what was sent (our decoder and tiffcmp).
/// <para>
/// CI runs a pairwise set (<see cref="T38InteropMatrix.Pairwise"/>: 11 calls, every pair of values of any
/// two dimensions in at least one call), all calls at once: about two minutes of wall time. The full
/// product (180 calls) is the extended suite: <c>FAXPOST_T38_FULL_MATRIX=1 dotnet test
/// tests/FaxPost.Telephony.Tests --filter T38InteropMatrixTests</c> (8 calls at a time, or
/// FAXPOST_T38_MATRIX_PARALLEL=N). FAXPOST_T38_MATRIX_FILTER=text runs only the cells whose name
/// contains it, e.g. "spandsp-to-faxpost no-ecm V27ter".
/// </para>
/// </summary>
public sealed class T38InteropMatrixTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cells => [.. T38InteropMatrix.Cells.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Call_completes_with_every_page_identical(string cell)
    {
        // Every cell's call was started with the first one; this waits for its own.
        output.WriteLine(await T38InteropMatrix.RunAsync(cell));
    }

    [Fact]
    public void The_ci_set_covers_every_pair_of_values()
    {
        var all = MatrixCell.All().ToList();
        var needed = Pairs(all).ToHashSet();
        var covered = Pairs(T38InteropMatrix.Pairwise).ToHashSet();
        needed.ExceptWith(covered);
        Assert.True(needed.Count == 0, "pairs not covered: " + string.Join("; ", needed));
        Assert.All(T38InteropMatrix.Pairwise, c => Assert.True(c.IsValid, c.Name));
        Assert.Equal(180, all.Count);
    }

    private static IEnumerable<string> Pairs(IEnumerable<MatrixCell> cells)
    {
        foreach (var c in cells)
        {
            var v = c.Values;
            for (var i = 0; i < v.Length; i++)
            {
                for (var j = i + 1; j < v.Length; j++)
                {
                    yield return $"{i}={v[i]} {j}={v[j]}";
                }
            }
        }
    }
}
