using System.CommandLine;

namespace Risk.Cli;

public static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--out") { Description = "Write the bundle to this file instead of stdout" };
        var stix = new Command("stix", "Print the flagged clusters as one STIX 2.1 bundle (campaigns, proxies, indicators, sightings); " +
            "account ids are hashed with Risk:Stix:AccountKey") { output, AdminTarget.Url, AdminTarget.Key };
        stix.TreatUnmatchedTokensAsErrors = false;
        stix.SetAction((parse, ct) => AdminTarget.Run(parse, ct, async target =>
        {
            var bundle = await target.ExportStix();
            if (parse.GetValue(output) is { } file) await File.WriteAllTextAsync(file.FullName, bundle + "\n", ct);
            else Console.WriteLine(bundle);
            return Verb.Ok;
        }));
        return new Command("export", "Export what Risk found, for sharing") { stix };
    }
}
