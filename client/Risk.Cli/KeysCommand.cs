using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using Risk.Silo.Auth;

namespace Risk.Cli;

/// <summary>`risk keys new`: a fresh API key, and the line for the silo's keys file that accepts it.</summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "What logs, metrics and the policy history call the key's holder", Required = true };
        var role = new Option<ApiRole>("--role") { Description = "gateway, analyst or admin", Required = true };
        var create = new Command("new", "Print a new key and its keys-file line as one JSON line; the key is shown only here") { name, role };
        create.SetAction(parse =>
        {
            // 32 random bytes: guessing is hopeless, and the digest in the keys file reveals nothing.
            var key = "rk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
            var line = KeyLine.For(parse.GetValue(name)!, parse.GetValue(role), key);
            Console.WriteLine(JsonSerializer.Serialize(new { key, line }));
            return Verb.Ok;
        });
        return new Command("keys", "API keys for the silo's HTTP API (--api-keys FILE)") { create };
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
