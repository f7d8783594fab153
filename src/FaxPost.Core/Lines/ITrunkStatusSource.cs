namespace FaxPost.Core.Lines;

/// <summary>One trunk of a line as the console shows it: channels, calls now, and its state in words
/// ("registered", "registration failed: 403", "no registration").</summary>
public sealed record TrunkStatus(string Name, int Channels, int Calls, string State, bool Healthy);

/// <summary>
/// Implemented by an <see cref="IFaxLine"/> made of several trunks (SIP trunks), so the fax post
/// office's status page can show each trunk; a line without it is shown as one line.
/// </summary>
public interface ITrunkStatusSource
{
    /// <summary>A snapshot of every trunk now (cheap; no I/O).</summary>
    IReadOnlyList<TrunkStatus> TrunkStatuses();
}
