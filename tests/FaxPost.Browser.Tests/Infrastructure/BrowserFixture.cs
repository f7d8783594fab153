using FaxPost.EndToEnd.Tests;
using Microsoft.Playwright;

namespace FaxPost.Browser.Tests.Infrastructure;

/// <summary>
/// One real faxpost process (the test host) and one headless Debian chromium driven by Playwright,
/// shared by the tests of a collection; each test makes its own users and browser contexts.
/// Playwright's own browser download is not used: <see cref="ChromiumPath"/> is the Debian package's.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>The server's upload limit in these tests (small, so a test can exceed it).</summary>
    public const long MaxUploadBytes = 4 * 1024 * 1024;

    /// <summary>The browser's time zone.</summary>
    public const string TimeZone = "Europe/Berlin";

    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: $FAXPOST_SCREENSHOTS, else TestResults/screenshots in the repository.</summary>
    public static string ScreenshotDirectory { get; } = Environment.GetEnvironmentVariable("FAXPOST_SCREENSHOTS")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../..", "TestResults", "screenshots"));

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (scripts/lib/deps.sh install_test_deps does).");
        Server = await ServerProcess.StartNewAsync(new Dictionary<string, string> { ["FAXPOST__Limits__MaxUploadBytes"] = MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Args = ChromiumArgs, Headless = true });
    }

    /// <summary>A fresh browser context (its own cookies) with a page, logged in as the user.</summary>
    public async Task<IPage> LogInAsync(string login, string password, int width = 1280)
    {
        var page = await NewPageAsync(width);
        await page.GotoAsync(Server.Url + "/login");
        await page.GetByLabel("Login").FillAsync(login);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("/login", StringComparison.Ordinal));
        return page;
    }

    public async Task<IPage> NewPageAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            AcceptDownloads = true,
            TimezoneId = TimeZone, // not UTC, so local times in forms are really converted
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot as a test artefact (name.png under <see cref="ScreenshotDirectory"/>).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
