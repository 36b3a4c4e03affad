using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Risk.Contracts;
using Risk.Silo.Auth;

namespace Risk.Silo.OpsConsole;

/// <summary>
/// Data protection's key ring in <see cref="ISessionKeysGrain"/>: one ring for every silo, so a console behind a load
/// balancer works without session affinity, and sessions outlive a restart. Data protection reads the ring at start and
/// about once a day, and writes a key about every 90 days, so the blocking calls below are rare.
/// </summary>
public sealed class GrainKeyRing(IGrainFactory grains, IOptions<AdminSecretOptions> secret) : IXmlRepository
{
    private ISessionKeysGrain Ring => grains.GetGrain<ISessionKeysGrain>(ISessionKeysGrain.Default);

    private string? Secret => secret.Value.AdminSecret is { Length: > 0 } s ? s : null;

    public IReadOnlyCollection<XElement> GetAllElements() =>
        AdminCall.With(Secret, () => Ring.All()).GetAwaiter().GetResult().Select(x => XElement.Parse(x)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        AdminCall.With(Secret, async () => { await Ring.Add(element.ToString(SaveOptions.DisableFormatting)); return true; }).GetAwaiter().GetResult();
}
