using FaxPost.Core.Configuration;
using FaxPost.Web.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaxPost.Web.Api;

/// <summary>Marks an endpoint that takes document uploads (its body may reach Limits:MaxUploadBytes).</summary>
internal sealed class UploadEndpointMetadata
{
    public static readonly UploadEndpointMetadata Instance = new();
}

/// <summary>
/// Request size limits: uploads up to Limits:MaxUploadBytes (plus room for multipart framing, or a
/// third more for base64 in JSON), every other API body up to <see cref="FaxPostWebOptions.MaxJsonBytes"/>.
/// Enforced on the declared Content-Length, through the server's limit, and while reading (chunked bodies).
/// </summary>
internal static class BodyLimits
{
    public static long UploadLimit(LimitOptions limits) => (limits.MaxUploadBytes / 3 * 4) + (1024 * 1024);

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        long limit = endpoint.Metadata.GetMetadata<UploadEndpointMetadata>() is not null
            ? UploadLimit(context.RequestServices.GetRequiredService<LimitOptions>())
            : context.RequestServices.GetRequiredService<IOptions<FaxPostWebOptions>>().Value.MaxJsonBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"The request body is larger than {limit / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        context.Request.Body = new LimitedReadStream(context.Request.Body, limit);
        await next(context).ConfigureAwait(false);
    });

    /// <summary>Counts what is read and refuses past the limit (for servers or bodies without a length check).</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new BadHttpRequestException($"The request body is larger than {limit / 1024} KiB.", StatusCodes.Status413PayloadTooLarge);
            }

            return n;
        }
    }
}
