namespace FaxPost.Gateways.Mail;

/// <summary>How FaxPost fetches the mail-to-fax mailbox (seed 003: POP3 or IMAP, IMAP by default).</summary>
public enum MailFetchProtocol
{
    Imap = 0,
    Pop3 = 1,
}

/// <summary>Transport security of a mail connection.</summary>
public enum MailSecurity
{
    /// <summary>STARTTLS when the server offers it, plain otherwise.</summary>
    Auto = 0,
    None = 1,
    StartTls = 2,

    /// <summary>TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465).</summary>
    Tls = 3,
}

/// <summary>What of a mail is faxed (seed 003: "Mail to Fax": the mail or the attachment).</summary>
public enum MailFaxContent
{
    Attachments = 0,
    MailAndAttachments = 1,
}

/// <summary>Where mail-to-fax takes the recipients from.</summary>
public enum MailRecipientSource
{
    Subject = 0,

    /// <summary>The local part of the To address: +4989123456@fax.example.org.</summary>
    LocalPart = 1,

    /// <summary>The local part when it is a number, else the subject.</summary>
    Both = 2,
}

public enum FaxMailFormat
{
    Pdf = 0,
    Tiff = 1,
}

/// <summary>A mail server connection (host, port, security, credentials).</summary>
public sealed class MailServerOptions
{
    public string Host { get; set; } = "";

    /// <summary>0 = the protocol's default for the security mode.</summary>
    public int Port { get; set; }

    public MailSecurity Security { get; set; } = MailSecurity.Auto;

    /// <summary>Accept self-signed or otherwise invalid certificates (seed 003; default no).</summary>
    public bool IgnoreInvalidCertificates { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>The "Mail" configuration section: mail-to-fax, fax-to-email, notifications, serial letters.</summary>
public sealed class MailGatewayOptions
{
    /// <summary>Fetch the mail-to-fax mailbox (fax-to-email and notifications work without it).</summary>
    public bool MailToFax { get; set; }

    public MailFetchProtocol Protocol { get; set; } = MailFetchProtocol.Imap;

    /// <summary>The mailbox FaxPost fetches mail-to-fax messages from.</summary>
    public MailServerOptions Fetch { get; set; } = new();

    /// <summary>IMAP folder to fetch.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>How often to look for new mail (POP3 always; IMAP when the server cannot IDLE, and as the IDLE refresh).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Remove fetched messages (seed 003 default yes); false keeps them, flagged as done.</summary>
    public bool DeleteFetched { get; set; } = true;

    public MailFaxContent Content { get; set; } = MailFaxContent.Attachments;

    public MailRecipientSource Recipients { get; set; } = MailRecipientSource.Subject;

    /// <summary>Domain of fax addresses (+4989123456@fax.example.org) for <see cref="MailRecipientSource.LocalPart"/>.</summary>
    public string? FaxDomain { get; set; }

    /// <summary>
    /// The authserv-id of our own mail server (e.g. "mx.example.org"): when set, mail-to-fax takes only
    /// mails whose From it confirmed in an Authentication-Results header (DMARC, DKIM or SPF pass).
    /// </summary>
    public string? TrustedAuthServId { get; set; }

    /// <summary>Senders must put their PIN in the subject ("PIN 1234").</summary>
    public bool RequirePin { get; set; }

    /// <summary>Mails larger than this (as the server reports them) are refused without download.</summary>
    public long MaxMessageBytes { get; set; } = 30L * 1024 * 1024;

    /// <summary>Decoded size of all faxed parts together (guards against attachments that expand).</summary>
    public long MaxDocumentBytes { get; set; } = 25L * 1024 * 1024;

    public int MaxAttachments { get; set; } = 20;

    /// <summary>Outgoing mail (fax-to-email, notifications, replies, serial letters).</summary>
    public MailServerOptions Smtp { get; set; } = new();

    /// <summary>From address of every mail FaxPost sends.</summary>
    public string FromAddress { get; set; } = "faxpost@localhost";

    public string FromName { get; set; } = "FaxPost";

    /// <summary>
    /// How long the record of a handled mail-to-fax message (its Message-ID) is kept after the message
    /// was last seen in the mailbox; a message still there (POP3 keep mode) renews its record each time.
    /// </summary>
    public TimeSpan MessageRecordRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// This node's name in message claims: nodes fetching one mailbox into one database need different names.
    /// A node that restarts under the same name takes its own unfinished claims over at once.
    /// </summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>
    /// How long a node's claim on a mail-to-fax message keeps other nodes away; after it (the node crashed) another
    /// node takes the message over and first looks for the submission the crashed node may have stored. Must be
    /// longer than handling one message takes.
    /// </summary>
    public TimeSpan MessageClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts per outgoing mail before a temporary failure counts as permanent.</summary>
    public int SmtpMaxTries { get; set; } = 5;

    /// <summary>Wait after the first temporary failure; doubled each time.</summary>
    public TimeSpan SmtpRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Format of received faxes attached to mails.</summary>
    public FaxMailFormat FaxFormat { get; set; } = FaxMailFormat.Pdf;

    /// <summary>HTML body with the first page inline (seed 003: format "inlinegif").</summary>
    public bool InlineFirstPage { get; set; }

    /// <summary>Base address of the web inbox, for privacy notices ("{WebInbox}/faxes/{id}").</summary>
    public string? WebInboxUrl { get; set; }

    public MailTemplates Templates { get; set; } = new();

    /// <summary>Mail the submitter when a job changes (queued, retrying, failed, done). Users may change it for themselves.</summary>
    public bool Notify { get; set; } = true;

    /// <summary>Notifications as HTML with a first-page thumbnail and the transmission report (seed 003).</summary>
    public bool NotifyHtml { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MailToFax && string.IsNullOrWhiteSpace(Fetch.Host))
        {
            errors.Add("Mail:Fetch:Host is required when Mail:MailToFax is on.");
        }

        if (Recipients != MailRecipientSource.Subject && string.IsNullOrWhiteSpace(FaxDomain))
        {
            errors.Add("Mail:FaxDomain is required when recipients come from the address (Mail:Recipients).");
        }

        if (PollInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add("Mail:PollInterval must be at least one second.");
        }

        if (MaxMessageBytes < 1024 || MaxDocumentBytes < 1024)
        {
            errors.Add("Mail:MaxMessageBytes and Mail:MaxDocumentBytes must be at least 1024.");
        }

        if (MaxAttachments < 1)
        {
            errors.Add("Mail:MaxAttachments must be at least 1.");
        }

        if (MessageRecordRetention < TimeSpan.FromDays(1))
        {
            errors.Add("Mail:MessageRecordRetention must be at least one day (records of handled mails prevent sending a fax twice).");
        }

        if (string.IsNullOrWhiteSpace(NodeName) || NodeName.Contains('|', StringComparison.Ordinal))
        {
            errors.Add("Mail:NodeName must be a non-empty name without '|'.");
        }

        if (MessageClaimLease < TimeSpan.FromSeconds(10))
        {
            errors.Add("Mail:MessageClaimLease must be at least 10 seconds.");
        }

        if (SmtpMaxTries < 1)
        {
            errors.Add("Mail:SmtpMaxTries must be at least 1.");
        }

        if (!MimeKit.MailboxAddress.TryParse(FromAddress, out _))
        {
            errors.Add($"Mail:FromAddress '{FromAddress}' is not an e-mail address.");
        }

        return errors;
    }
}

/// <summary>Subject and body templates; placeholders in braces (see <see cref="MailTemplate"/>).</summary>
public sealed class MailTemplates
{
    public string FaxSubject { get; set; } = "Fax from {Sender} ({Pages} page(s))";

    public string FaxBody { get; set; } =
        "You received a fax.\n\nFrom: {Sender}\nSender ID: {SenderId}\nCaller number: {CallerNumber}\nDialled: {Dialled}\nPages: {Pages}\nReceived: {Received}\nMailbox: {Mailbox}\n";

    public string NoticeBody { get; set; } =
        "You received a fax. Its pages are not sent by e-mail (this mailbox holds personal data).\n\nFrom: {Sender}\nPages: {Pages}\nReceived: {Received}\nRead it in the web inbox: {Link}\n";

    public string JobSubject { get; set; } = "Fax to {Destination}: {State}";

    public string JobBody { get; set; } =
        "Your fax job {JobId} to {Destination} is {State}.\n\n{Message}\n\nPages: {PagesSent} of {Pages} sent\nTries: {Tries} of {MaxTries}\n";
}
