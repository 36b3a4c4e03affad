using System.Text.Json;
using Risk.Contracts;
using Risk.Scoring;

namespace Risk.Grains.Tests;

/// <summary>
/// What storage already holds must load into the state classes as they are now: an account's record is read back
/// whenever it activates again, and records written by an older version stay in the table until then.
/// </summary>
public class StoredFormatTests
{
    /// <summary>
    /// An account's record as the version before compact state wrote it: decayed counters as objects, a 64-slot
    /// family table and a 16-slot template ring written out whatever they held.
    /// </summary>
    private const string BeforeCompactState = """
        {"Account":"old-olga","Profile":{"Events":6,"FirstSeen":"2026-03-02T10:00:00Z","LastSeen":"2026-03-02T10:35:00Z","Created":"2026-02-28T10:00:00Z","Tier":2,"Payment":"pm_x","LastIp":"198.18.9.2","LastProxy":null,"LastJa4":"t13d","RequestsHour":{"Value":4.948621998238751,"At":"2026-03-02T10:35:00Z"},"RequestsDay":{"Value":5.949768804461809,"At":"2026-03-02T10:35:00Z"},"Prompts":{"Value":5.949768804461809,"At":"2026-03-02T10:35:00Z"},"Cot":{"Value":2.979896282611099,"At":"2026-03-02T10:28:00Z"},"Rubric":{"Value":0,"At":"0001-01-01T00:00:00"},"Agentic":{"Value":0,"At":"0001-01-01T00:00:00"},"Sensitive":{"Value":0,"At":"0001-01-01T00:00:00"},"NearDuplicates":{"Value":4.966475009172658,"At":"2026-03-02T10:35:00Z"},"InTokens":{"Value":609.909774041055,"At":"2026-03-02T10:35:00Z"},"OutTokens":{"Value":5354.791924015628,"At":"2026-03-02T10:35:00Z"},"EarlyModelRequests":{"Value":1.9223161935859392,"At":"2026-03-02T10:35:00Z"},"Ips":{"Registers":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADAAAAAAAAAAAAAQAAAAAAAAABAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="},"Asns":{"Registers":"AAQAAAAAAAEAAAAAAAAAAA=="},"Templates":{"Hashes":[1311768467463790320,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"Next":1,"Filled":1},"Clock":{"Hours":[0,0,0,0,0,0,0,0,0,0,5.992786084437601,0,0,0,0,0,0,0,0,0,0,0,0,0],"HoursAt":"2026-03-02T10:35:00Z","LastTs":"2026-03-02T10:35:00Z","GapWeight":4.966475009172658,"GapMean":6.040254711277414,"GapSquareMean":36.48467697710899},"ContentEvents":3,"SharedEvents":1,"Families":{"Keys":[17767,2693120,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"Counts":"BgYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==","Errors":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==","Joined":[17767,2693120]},"Ring":null},"Override":0,"OverrideExpires":null,"FirstFlaggedAt":null,"Ip":null,"Proxy":null,"HomeCluster":"pay-x","Cluster":null,"ReportedToCluster":false,"ReportedOwnScore":0,"ReportedFlagged":false,"Campaign":{"Reason":null,"Points":0,"Since":"0001-01-01T00:00:00","RenewedAt":"0001-01-01T00:00:00","IsSet":false},"Cohort":null,"FamilyRingLike":false,"FamilyCluster":null,"FamiliesTold":0,"EventIds":{"Entries":"AAAAgCalSPCgaAaAkIKdHUDRDIA9SIEy4DkTgOlvuhCAohmA83BJ4yALIIAjlRPcAAAAAAAAAAAAAAAAAAAAAA==","Used":6,"Next":0,"BaseMs":823613316352,"HorizonMs":-1},"Listed":null,"ListedScore":0,"Timeline":{"Hours":[17752234],"Events":[6],"Scores":"Kg==","Count":1},"Review":null}
        """;

    private static readonly DateTime T0 = new(2026, 3, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_account_record_in_the_format_before_compact_state_loads_with_every_counter_and_sketch()
    {
        var state = JsonSerializer.Deserialize<AccountState>(BeforeCompactState)!;
        var p = state.Profile;

        Assert.Equal(("old-olga", "pay-x", 6L), (state.Account, state.HomeCluster, p.Events));
        Assert.Equal(4.948621998238751, p.RequestsHour.Value);
        Assert.Equal(2.979896282611099, p.Cot.Value);
        Assert.Equal(T0.AddMinutes(28), p.Cot.At);
        Assert.Equal(5354.791924015628, p.OutTokens.Value);
        Assert.Equal(1.9223161935859392, p.EarlyModelRequests.Value);
        Assert.Equal((0d, default(DateTime)), (p.Rubric.Value, p.Rubric.At));
        Assert.Equal(1311768467463790320UL, p.Templates.Hashes[0]);
        Assert.Equal((1, 1), (p.Templates.Next, p.Templates.Filled));
        Assert.Equal([17767u, 2693120u], p.Families.Joined);
        Assert.Equal(6, p.Families.Counts[0]);
        Assert.Equal(5.992786084437601, p.Clock.Hours[10]);
        Assert.Equal(6, state.EventIds!.Used);
        Assert.Equal(42, state.Timeline.Scores[0]);
        Assert.Equal(3, Math.Round(p.Ips.Estimate()));
    }

    [Fact]
    public void An_account_record_in_the_format_before_compact_state_goes_on_as_one_written_now_does()
    {
        var old = JsonSerializer.Deserialize<AccountState>(BeforeCompactState)!;
        var rewritten = JsonSerializer.Deserialize<AccountState>(JsonSerializer.Serialize(old))!;
        var next = new RiskEvent(T0.AddMinutes(50), "old-olga", "198.18.9.7", Payment: "pm_x",
            Prompt: new PromptSignals(PromptKinds.ChainOfThought, 0x1234_5678_9ABC_DEF1UL, 120, 0x0000_0123_0000_4567UL));
        old.Profile.Observe(next, null, false);
        rewritten.Profile.Observe(next, null, false);

        Assert.Equal(JsonSerializer.Serialize(old), JsonSerializer.Serialize(rewritten));
        Assert.Equal(old.Profile.Measure(), rewritten.Profile.Measure());
        Assert.Equal(7, old.Profile.Events);
        Assert.True(old.Profile.NearDuplicates.Value > 4.966475009172658);
    }

    [Fact]
    public void A_new_account_holds_no_family_table_or_template_ring_until_it_needs_one()
    {
        var state = new AccountState();
        Assert.Empty(state.Profile.Families.Keys);
        Assert.Empty(state.Profile.Templates.Hashes);

        state.Profile.Observe(new RiskEvent(T0, "new-nia", "198.18.9.9", Prompt: new PromptSignals(PromptKinds.ChainOfThought, 42, 80, 0x0000_0123_0000_4567UL)), null, false);

        Assert.Equal(ContentFamilies.Slots, state.Profile.Families.Keys.Length);
        Assert.Equal(TemplateRing.Size, state.Profile.Templates.Hashes.Length);
        Assert.True(JsonSerializer.Serialize(new AccountState()).Length < JsonSerializer.Serialize(state).Length);
        // A counter never added to is left out, and reads back as the zero it was.
        var json = JsonSerializer.Serialize(state);
        Assert.DoesNotContain("\"Rubric\"", json);
        Assert.Contains("\"Cot\"", json);
        Assert.Equal(default, JsonSerializer.Deserialize<AccountState>(json)!.Profile.Rubric);
    }
}
