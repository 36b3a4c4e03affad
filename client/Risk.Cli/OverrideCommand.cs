using System.CommandLine;

namespace Risk.Cli;

public static class OverrideCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ID") { Description = "The account id (or the IP or proxy with --ip / --proxy)" };
        var action = new Argument<string>("ACTION") { Description = "block, allow or clear" };
        action.AcceptOnlyFromAmong("block", "allow", "clear");
        var ip = new Option<bool>("--ip") { Description = "ID is an IP address" };
        var proxy = new Option<bool>("--proxy") { Description = "ID is a proxy" };
        var expires = new Option<TimeSpan?>("--for") { Description = "Lapse by itself after this long (e.g. 02:00:00 for two hours, 7.00:00:00 for a week)" };
        var command = new Command("override", "Allow or block an account, IP or proxy outright; beats every detector") { id, action, ip, proxy, expires, AdminTarget.Url, AdminTarget.Key };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async admin =>
        {
            var kind = parse.GetValue(ip) ? EntityKind.Ip : parse.GetValue(proxy) ? EntityKind.Proxy : EntityKind.Account;
            var what = parse.GetValue(action) switch
            {
                "block" => OverrideAction.Block,
                "allow" => OverrideAction.Allow,
                _ => OverrideAction.None,
            };
            var target = parse.GetValue(id)!;
            if (kind == EntityKind.Ip && GrainKeys.NormalizeIp(target) is null) throw new ArgumentException($"'{target}' is not an IP address");
            DateTime? until = parse.GetValue(expires) is { } span ? DateTime.UtcNow + span : null;
            var version = await admin.SetOverride(kind, target, what, until);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                kind = kind.ToString().ToLowerInvariant(), id = target, @override = parse.GetValue(action), expires = until, policyVersion = version,
            }, Wire.Json));
            return Verb.Ok;
        }));
        return command;
    }
}
