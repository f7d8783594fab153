using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FaxPost.EndToEnd.Tests;

/// <summary>
/// A real faxpost server process (the test host: faxpost with a scripted fax line) on a free port
/// with its own data directory. Can be killed (SIGKILL) and started again on the same data.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    private readonly bool _plain;

    private ServerProcess(string dataDirectory, int port, Dictionary<string, string> environment, bool plain)
    {
        DataDirectory = dataDirectory;
        Port = port;
        Environment = environment;
        _plain = plain;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public Dictionary<string, string> Environment { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public string AdminPassword { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Where the build put a sibling project's output (same configuration and framework).</summary>
    public static string Sibling(string project, string file)
    {
        string here = AppContext.BaseDirectory.TrimEnd('/');
        string framework = Path.GetFileName(here);
        string configuration = Path.GetFileName(Path.GetDirectoryName(here)!);
        string root = Path.GetFullPath(Path.Combine(here, "../../../../.."));
        foreach (string folder in new[] { "tests", "src" })
        {
            string path = Path.Combine(root, folder, project, "bin", configuration, framework, file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{file} of {project} was not built ({configuration}/{framework}).");
    }

    /// <param name="plain">Run the product's own faxpost (its lines come from the configuration, e.g. a
    /// Sip section) instead of the test host with its scripted line.</param>
    public static async Task<ServerProcess> StartNewAsync(Dictionary<string, string>? environment = null, bool plain = false)
    {
        string data = Path.Combine(Path.GetTempPath(), "faxpost-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var server = new ServerProcess(data, FreePort(), environment ?? [], plain);
        server.Environment["FAXPOST_TESTLINE_LOG"] = Path.Combine(data, "testline.log");
        var (exit, output) = await server.RunToolAsync("init", "--admin", "admin");
        Assert.True(exit == 0, "faxpost init failed:\n" + output);
        server.AdminPassword = PasswordLine().Match(output).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(server.AdminPassword), "init printed no password:\n" + output);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var info = StartInfo("serve");
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"faxpost exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                var response = await http.GetAsync(Url + "/api/v1/me");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("faxpost did not start listening:\n" + Output);
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
        _process = null;
    }

    /// <summary>SIGTERM, as systemd stops a service; waits for the graceful shutdown.</summary>
    public async Task<int> StopAsync()
    {
        if (_process is null)
        {
            return 0;
        }

        _ = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        int code = _process.ExitCode;
        _process = null;
        return code;
    }

    /// <summary>Runs another faxpost verb (init, cleanup, ...) on this server's data directory.</summary>
    public async Task<(int Exit, string Output)> RunToolAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Runs the real faxpost CLI client against this server with a token.</summary>
    public async Task<(int Exit, string Output)> ClientAsync(string token, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Sibling("FaxPost.Cli", "faxpost.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["FAXPOST_SERVER"] = Url;
        info.Environment["FAXPOST_TOKEN"] = token;
        info.Environment["HOME"] = DataDirectory;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public HttpClient Admin() => Basic("admin", AdminPassword);

    public HttpClient Basic(string login, string password)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        return http;
    }

    public HttpClient Bearer(string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Creates a user with an extension and returns an API token for it.</summary>
    public async Task<(long Id, string Token)> CreateUserAsync(string login, string extension)
    {
        using var admin = Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { login, displayName = login, email = $"{login}@example.org", password = "password-" + login, extension });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        long id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var user = Basic(login, "password-" + login);
        var token = await user.PostAsJsonAsync("/api/v1/me/tokens", new { name = "e2e" });
        Assert.True(token.IsSuccessStatusCode, await token.Content.ReadAsStringAsync());
        return (id, (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(_plain ? Sibling("FaxPost.Cli", "faxpost.dll") : Sibling("FaxPost.TestHost", "faxpost-testhost.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["FAXPOST__DataDirectory"] = DataDirectory;
        info.Environment["FAXPOST__Web__Urls__0"] = Url;
        info.Environment["FAXPOST__Limits__MinFreeDiskBytes"] = "0";
        info.Environment["FAXPOST__Security__PasswordIterations"] = "10000";
        info.Environment["FAXPOST__Retry__FailureDelay"] = "00:00:01";
        info.Environment["FAXPOST__Retry__BusyDelay"] = "00:00:01";
        info.Environment["FAXPOST__Retry__NoAnswerDelay"] = "00:00:01";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("created with the password: (\\S+)")]
    private static partial Regex PasswordLine();
}
