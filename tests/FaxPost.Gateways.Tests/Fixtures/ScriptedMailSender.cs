using System.Collections.Concurrent;
using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>An <see cref="IMailSender"/> that fails as scripted (temporary or permanent), then accepts; keeps what it accepted.</summary>
public sealed class ScriptedMailSender : IMailSender
{
    private readonly ConcurrentQueue<bool?> _script = new();

    public ConcurrentQueue<MimeMessage> Sent { get; } = new();

    public int Attempts;

    /// <summary>The next attempts fail: true = permanent (5yz), false = temporary (4yz).</summary>
    public ScriptedMailSender Fail(int times, bool permanent)
    {
        for (int i = 0; i < times; i++)
        {
            _script.Enqueue(permanent);
        }

        return this;
    }

    public Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref Attempts);
        if (_script.TryDequeue(out bool? permanent) && permanent is { } p)
        {
            throw new MailDeliveryException(p ? "the mail server said 550: no such user" : "the mail server said 451: try again later", p);
        }

        Sent.Enqueue(message);
        return Task.CompletedTask;
    }
}
