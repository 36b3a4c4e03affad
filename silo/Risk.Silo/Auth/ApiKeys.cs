using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Risk.Silo.Auth;

/// <summary>What a key may do on the HTTP API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApiRole>))]
public enum ApiRole
{
    /// <summary>Reports events and asks for decisions: nginx, Envoy, a .NET gateway over HTTP.</summary>
    [JsonStringEnumMemberName("gateway")] Gateway,
    /// <summary>Reads decisions, explanations, the policy and its history, exports.</summary>
    [JsonStringEnumMemberName("analyst")] Analyst,
    /// <summary>Everything, changes included.</summary>
    [JsonStringEnumMemberName("admin")] Admin,
}

/// <summary>Configuration section "Risk:Auth".</summary>
public sealed class AuthOptions
{
    public const string Section = "Risk:Auth";

    /// <summary>JSON Lines of <see cref="KeyLine"/>. Without it, the HTTP API takes no keys and listens on loopback only.</summary>
    public string? KeysFile { get; set; }
}

/// <summary>One line of the keys file: a key's name (what logs, metrics and history call it), role, and the hex SHA-256 of the key.</summary>
public sealed record KeyLine(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] ApiRole Role,
    [property: JsonPropertyName("sha256")] string Sha256)
{
    public static KeyLine For(string name, ApiRole role, string key) => new(name, role, Convert.ToHexStringLower(ApiKeys.Digest(key)));
}

/// <summary>A key the silo accepts: its name, role and digest.</summary>
public sealed record ApiKey(string Name, ApiRole Role, byte[] Digest);

/// <summary>
/// The keys the HTTP API accepts, read from <see cref="AuthOptions.KeysFile"/> and read again whenever the file changes,
/// so that keys rotate without a restart. Only digests are held; a presented key is hashed and compared with every
/// digest in constant time. A file that cannot be read or parsed at a change keeps the keys in force (and says so in the
/// log); at start it stops the silo, which must not run open by mistake.
/// </summary>
public sealed class ApiKeys : IDisposable
{
    private readonly string? _path;
    private readonly ILogger<ApiKeys> _log;
    private readonly PhysicalFileProvider? _files;
    private readonly IDisposable? _watch;
    private volatile ApiKey[] _keys = [];

    public ApiKeys(IOptions<AuthOptions> options, ILogger<ApiKeys> log)
    {
        _log = log;
        if (options.Value.KeysFile is not { Length: > 0 } file) return;
        _path = Path.GetFullPath(file);
        _keys = Parse(File.ReadAllLines(_path), strict: true);
        log.LogInformation("HTTP API keys: {Count} from {File}", _keys.Length, _path);
        // Polling, not inotify: a Kubernetes secret is swapped in by a symlink, which inotify does not report.
        _files = new PhysicalFileProvider(Path.GetDirectoryName(_path)!) { UsePollingFileWatcher = true, UseActivePolling = true };
        _watch = ChangeToken.OnChange(() => _files.Watch(Path.GetFileName(_path)), Reload);
    }

    /// <summary>Whether the API takes keys at all.</summary>
    public bool Enabled => _path is not null;

    public int Count => _keys.Length;

    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The key presented, if the silo knows it.</summary>
    public ApiKey? Find(string presented) => WithDigest(Digest(presented));

    /// <summary>The key with this digest, if the silo still accepts it: a console session ends when its key is removed.</summary>
    public ApiKey? WithDigest(byte[] digest)
    {
        ApiKey? found = null;
        // Every digest is compared, each in constant time: the time taken says nothing of which keys exist.
        foreach (var key in _keys)
            if (CryptographicOperations.FixedTimeEquals(key.Digest, digest)) found = key;
        return found;
    }

    private void Reload()
    {
        try
        {
            _keys = Parse(File.ReadAllLines(_path!), strict: false);
            _log.LogInformation("HTTP API keys reloaded: {Count} from {File}", _keys.Length, _path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("HTTP API keys file {File} could not be read ({Error}); the keys in force stay", _path, e.GetType().Name);
        }
    }

    private ApiKey[] Parse(string[] lines, bool strict)
    {
        var keys = new List<ApiKey>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string? problem = null;
            try
            {
                var line = JsonSerializer.Deserialize<KeyLine>(lines[i]);
                if (line is null || string.IsNullOrWhiteSpace(line.Name)) problem = "no name";
                else if (line.Sha256 is not { Length: 64 } || !line.Sha256.All(Uri.IsHexDigit)) problem = "sha256 is not 64 hex digits";
                else keys.Add(new ApiKey(line.Name, line.Role, Convert.FromHexString(line.Sha256)));
            }
            catch (JsonException e)
            {
                problem = $"not a key line ({e.Message.Split('.')[0]})";
            }
            if (problem is null) continue;
            // The line is not logged: a key pasted by mistake in place of its digest must not reach the logs.
            if (strict) throw new InvalidOperationException($"{_path}: line {i + 1}: {problem}");
            _log.LogError("HTTP API keys file {File}: line {Line} skipped: {Problem}", _path, i + 1, problem);
        }
        return [.. keys];
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _files?.Dispose();
    }
}
