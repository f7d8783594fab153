using FaxPost.Core.Configuration;
using FaxPost.Gateways.Mail;
using FaxPost.Telephony.Trunks;
using Microsoft.Extensions.Configuration;

namespace FaxPost.Cli.Server;

/// <summary>
/// Reads faxpost.json (from --config, FAXPOST_CONFIG, ./faxpost.json or /etc/faxpost/faxpost.json)
/// and FAXPOST__Section__Key environment variables into <see cref="FaxPostOptions"/>, and validates
/// it, so a wrong setting stops the server at start with a message naming it.
/// </summary>
internal static class ConfigurationLoader
{
    /// <summary>The effective settings: the post office's, and the optional front doors' and SIP trunks' (null when not configured).</summary>
    public sealed record Settings(FaxPostOptions Core, MailGatewayOptions? Mail, SipOptions? Sip = null);

    public static (Settings? Options, IConfiguration Configuration, IReadOnlyList<string> Errors) Load(string? configPath)
    {
        string? path = configPath ?? Environment.GetEnvironmentVariable("FAXPOST_CONFIG");
        var errors = new List<string>();
        if (path is not null && !File.Exists(path))
        {
            errors.Add($"The configuration file '{path}' does not exist.");
        }

        path ??= new[] { "faxpost.json", "/etc/faxpost/faxpost.json" }.FirstOrDefault(File.Exists);
        var builder = new ConfigurationBuilder();
        if (path is not null && File.Exists(path))
        {
            builder.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables("FAXPOST__");
        IConfiguration configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            errors.Add($"The configuration file '{path}' cannot be read: {e.Message}");
            return (null, new ConfigurationBuilder().Build(), errors);
        }

        // The file may hold the options at its root or under "FaxPost".
        var section = configuration.GetSection("FaxPost").Exists() ? configuration.GetSection("FaxPost") : configuration;
        var options = new FaxPostOptions();
        try
        {
            section.Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException e)
        {
            errors.Add("A setting has a value of the wrong kind: " + (e.InnerException?.Message ?? e.Message));
            return (null, configuration, errors);
        }

        // The binder appends configured array items to a default array: Web:Urls given means exactly those
        // (else every server would also claim the default port, and two could not run side by side).
        var urls = section.GetSection("Web:Urls").GetChildren().Select(c => c.Value).OfType<string>().ToArray();
        if (urls.Length > 0)
        {
            options.Web.Urls = urls;
        }

        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        errors.AddRange(options.Validate());
        MailGatewayOptions? mail = null;
        var mailSection = section.GetSection("Mail");
        if (mailSection.Exists())
        {
            mail = new MailGatewayOptions();
            try
            {
                mailSection.Bind(mail);
                errors.AddRange(mail.Validate().Select(e => "Mail: " + e));
            }
            catch (InvalidOperationException e)
            {
                errors.Add("A Mail setting has a value of the wrong kind: " + (e.InnerException?.Message ?? e.Message));
            }
        }

        SipOptions? sip = null;
        var sipSection = section.GetSection("Sip");
        if (sipSection.Exists())
        {
            var bindErrors = new List<string>();
            sip = SipConfiguration.Bind(sipSection, bindErrors);
            errors.AddRange(bindErrors.Count > 0 ? bindErrors : sip.Validate());
        }

        return (errors.Count == 0 ? new Settings(options, mail, sip) : null, configuration, errors);
    }
}
