namespace Risk.Scoring;

/// <summary>
/// An account's latest active hours of event time: per hour, how many events it made and its decision score after the
/// hour's last batch. A ring of at most <see cref="Capacity"/> hours in which an hour with no events takes no slot,
/// so a quiet month costs nothing and the console still sees the account's last day of activity. Three small parallel
/// arrays, oldest hour first, because it is stored with every account and one object per hour would cost more than
/// the numbers it holds.
/// </summary>
/// <remarks>
/// Late events add to their hour while it is in the ring. Once the ring is full, an event older than its oldest hour
/// is counted nowhere: taking a slot for it would push out a newer hour, and the ring is about the latest activity.
/// An hour between two held ones (a late event for an hour that had none) takes a slot in order, pushing out the
/// oldest when full.
/// </remarks>
public sealed class HourlyTimeline
{
    public const int Capacity = 24;

    /// <summary>Each slot's hour, as whole hours since <see cref="DateTime.MinValue"/>; ascending.</summary>
    public int[] Hours { get; set; } = [];
    /// <summary>Events counted in each slot's hour.</summary>
    public int[] Events { get; set; } = [];
    /// <summary>The decision score (0 to 100) after each slot's hour's last batch.</summary>
    public byte[] Scores { get; set; } = [];

    public int Count => Hours.Length;

    public static int HourOf(DateTime ts) => (int)(ts.Ticks / TimeSpan.TicksPerHour);

    public static DateTime StartOf(int hour) => new(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc);

    /// <summary>Counts one event at <paramref name="ts"/>; false when it is older than a full ring holds.</summary>
    public bool Add(DateTime ts)
    {
        var at = SlotOf(HourOf(ts), insert: true);
        if (at < 0) return false;
        Events[at] = Events[at] == int.MaxValue ? int.MaxValue : Events[at] + 1;
        return true;
    }

    /// <summary>Sets the score of the hour holding <paramref name="ts"/>, if the ring holds that hour.</summary>
    public void Score(DateTime ts, int score)
    {
        var at = SlotOf(HourOf(ts), insert: false);
        if (at >= 0) Scores[at] = (byte)Math.Clamp(score, 0, 100);
    }

    /// <summary>The slot of <paramref name="hour"/>; with <paramref name="insert"/>, made in order if missing. −1 when none.</summary>
    private int SlotOf(int hour, bool insert)
    {
        var n = Hours.Length;
        // The newest hour is the one nearly every event goes to: looked at first.
        if (n > 0 && Hours[n - 1] == hour) return n - 1;
        var at = Array.BinarySearch(Hours, hour);
        if (at >= 0) return at;
        if (!insert) return -1;
        at = ~at;
        if (n == Capacity)
        {
            if (at == 0) return -1;
            // Full: the oldest slot goes, and everything before the new one moves down one.
            Array.Copy(Hours, 1, Hours, 0, at - 1);
            Array.Copy(Events, 1, Events, 0, at - 1);
            Array.Copy(Scores, 1, Scores, 0, at - 1);
            at--;
        }
        else
        {
            Hours = Grow(Hours, at);
            Events = Grow(Events, at);
            Scores = Grow(Scores, at);
        }
        (Hours[at], Events[at], Scores[at]) = (hour, 0, 0);
        return at;
    }

    /// <summary>A copy one longer, with a free element at <paramref name="at"/>.</summary>
    private static T[] Grow<T>(T[] from, int at)
    {
        var to = new T[from.Length + 1];
        Array.Copy(from, 0, to, 0, at);
        Array.Copy(from, at, to, at + 1, from.Length - at);
        return to;
    }
}
