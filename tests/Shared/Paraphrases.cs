namespace Risk.Tests.Shared;

/// <summary>Prompts as a careful ring writes them: three hand-written skeletons with spun phrases and a fresh item in the slot.</summary>
public static class Paraphrases
{
    public static string Of(int i)
    {
        string[] asks = ["Could you walk me through", "Can you go through", "Would you explain"];
        string[] how = ["step by step", "one step at a time", "carefully, step by step"];
        var item = $"a train leaving at {i % 12}:00 at {60 + i % 80} km/h towards a city {100 + 7 * i} km away";
        return (i % 3) switch
        {
            0 => $"I'm stuck on this one: {item}. {asks[i % 3]} it {how[i / 3 % 3]}, showing your reasoning?",
            1 => $"{item}. I'd like the full reasoning, not just the answer, so please show each step.",
            _ => $"Quick question for you: {item}. Think it through {how[i / 5 % 3]} and tell me how you got there.",
        };
    }
}
