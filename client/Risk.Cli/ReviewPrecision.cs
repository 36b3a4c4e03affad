using System.Text.Json;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Cli;

/// <summary>How often one action's reviewed decisions were labelled fraud.</summary>
public sealed record ActionPrecision(string Action, int Reviewed, int Fraud, double? Precision);

/// <summary>
/// How right past decisions were, as analysts' reviews label them: per action, the share of reviewed decisions that
/// were fraud; over flagged decisions (challenge or block), the precision; and the share of all reviews that found
/// the account benign. A review of a decision an override made is left out: that decision was an operator's, not
/// the detectors'.
/// </summary>
public sealed record ReviewPrecision(int Reviews, int OverridesSkipped, IReadOnlyList<ActionPrecision> Actions, ActionPrecision Flagged, int Benign, double? BenignShare)
{
    private static readonly DecisionAction[] Judged = [DecisionAction.Throttle, DecisionAction.Challenge, DecisionAction.Block];

    public static ReviewPrecision Of(IReadOnlyList<AccountReview> reviews)
    {
        var judged = reviews.Where(r => !IsOverride(r.Before)).ToArray();
        var actions = Judged.Select(a => Measure(Wire.Action(a), judged.Where(r => r.Before.Action == a))).ToArray();
        var benign = judged.Count(r => r.Label == ReviewLabel.Benign);
        return new ReviewPrecision(judged.Length, reviews.Count - judged.Length, actions,
            Measure("flagged", judged.Where(r => r.Before.IsFlagged)), benign, judged.Length == 0 ? null : (double)benign / judged.Length);
    }

    private static bool IsOverride(Decision d) => d.Reasons is [ReasonCodes.OverrideBlock] or [ReasonCodes.OverrideAllow];

    private static ActionPrecision Measure(string name, IEnumerable<AccountReview> reviews)
    {
        var (count, fraud) = (0, 0);
        foreach (var r in reviews)
        {
            count++;
            if (r.Label == ReviewLabel.Fraud) fraud++;
        }
        return new ActionPrecision(name, count, fraud, count == 0 ? null : (double)fraud / count);
    }

    /// <summary>Reviews as <c>GET /v1/reviews</c> writes them, one JSON object a line.</summary>
    /// <exception cref="ArgumentException">A line that is not a review.</exception>
    public static IReadOnlyList<AccountReview> Parse(string lines)
    {
        var reviews = new List<AccountReview>();
        var number = 0;
        foreach (var line in lines.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { reviews.Add(JsonSerializer.Deserialize<AccountReview>(line, Wire.Json) ?? throw new JsonException("null")); }
            catch (JsonException e) { throw new ArgumentException($"reviews, line {number}: not a review ({e.Message})"); }
        }
        return reviews;
    }
}
