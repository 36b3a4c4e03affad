using System.Net;

namespace Risk.Silo.OpsConsole;

/// <summary>The console's addresses for an account and a cluster: ids go in the query, where any character is safe.</summary>
public static class Links
{
    public static string Account(string id) => $"{ConsoleSetup.Path}/account?id={WebUtility.UrlEncode(id)}";

    public static string Cluster(string id) => $"{ConsoleSetup.Path}/cluster?id={WebUtility.UrlEncode(id)}";

    /// <summary>Cluster ids are long hashes; a prefix tells them apart on a page.</summary>
    public static string Short(string id) => id.Length <= 16 ? id : id[..16] + "…";
}
