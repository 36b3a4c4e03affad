using Risk.Silo.Auth;
using Risk.Stix;

namespace Risk.Silo.Apis;

/// <summary>The flagged clusters as a STIX 2.1 bundle, for sharing indicators with partners (analysts and admins).</summary>
public static class StixApi
{
    public static void MapStixApi(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        app.MapGet("/v1/export/stix", Export).Allow(keys, ApiRole.Analyst, ApiRole.Admin);
    }

    private static async Task<IResult> Export(IGrainFactory grains, IConfiguration configuration)
    {
        AccountDigest digest;
        try
        {
            digest = new AccountDigest(configuration[AccountDigest.ConfigurationKey]);
        }
        catch (ArgumentException e)
        {
            // Without the deployment's secret there is no digest a partner could not reverse: refuse rather than leak ids.
            return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Text(await StixExport.Export(grains, digest), StixBundle.MediaType);
    }
}
