using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace FaxPost.Web.Ui;

/// <summary>
/// The UI's own CSS and JS (Ui/Assets/, embedded in the assembly, so no static-file setup on the host).
/// URLs carry a content hash (<see cref="Url"/>), so browsers may keep them for a year.
/// </summary>
internal static class Assets
{
    private static readonly FrozenDictionary<string, Asset> All = Load();

    private sealed record Asset(byte[] Content, string ContentType, string Hash);

    /// <summary>The URL of an asset, versioned by its content (for the layout).</summary>
    public static string Url(string name) =>
        All.TryGetValue(name, out var asset) ? $"/assets/{name}?v={asset.Hash}" : throw new ArgumentException($"No asset '{name}'.", nameof(name));

    public static IResult Serve(string name, HttpContext context)
    {
        if (!All.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = context.Request.Query["v"] == asset.Hash ? "public, max-age=31536000, immutable" : "no-cache";
        return Results.Bytes(asset.Content, asset.ContentType, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue('"' + asset.Hash + '"'));
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        const string prefix = "FaxPost.Web.Assets.";
        var assembly = typeof(Assets).Assembly;
        var result = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] content = buffer.ToArray();
            string name = resource[prefix.Length..];
            string type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            result[name] = new Asset(content, type, Convert.ToHexStringLower(SHA256.HashData(content))[..16]);
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
