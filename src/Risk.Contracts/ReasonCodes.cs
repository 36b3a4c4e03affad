namespace Risk.Contracts;

/// <summary>Stable reason codes. Users filter on these strings: never rename one.</summary>
public static class ReasonCodes
{
    public const string CotElicitation = "cot_elicitation";
    public const string RubricGrading = "rubric_grading";
    public const string AgenticExtraction = "agentic_extraction";
    public const string SensitiveRewrite = "sensitive_rewrite";
    public const string TemplateReuse = "template_reuse";
    public const string HighVolume = "high_volume";
    public const string HighTokenVolume = "high_token_volume";
    public const string MachineTiming = "machine_timing";
    public const string RoundTheClock = "round_the_clock";
    public const string ManyIps = "many_ips";
    public const string OutputHeavy = "output_heavy";
    public const string NewAccount = "new_account";
    public const string EarlyModelSwitch = "early_model_switch";
    public const string IpFanout = "ip_fanout";
    public const string ProxyFanout = "proxy_fanout";
    public const string NewAccountShare = "new_account_share";
    public const string ClusterRisk = "cluster_risk";
    public const string TemplateOverlap = "template_overlap";
    public const string Synchrony = "synchrony";
    public const string FingerprintMonoculture = "fingerprint_monoculture";
    public const string FlaggedMembers = "flagged_members";
    /// <summary>Remembered: the account was flagged while other accounts of its cluster or venue were (campaign memory).</summary>
    public const string CampaignMember = "campaign_member";
    /// <summary>Remembered as <see cref="CampaignMember"/>, where an early move to a newly launched model was part of the evidence.</summary>
    public const string ModelPivot = "model_pivot";
    /// <summary>A content family found the account one of a dispersed ring of young accounts sending the same kind of extraction content.</summary>
    public const string ContentRing = "content_ring";
    public const string OverrideBlock = "override_block";
    public const string OverrideAllow = "override_allow";
}
