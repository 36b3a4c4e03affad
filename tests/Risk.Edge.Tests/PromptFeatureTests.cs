using Risk.Tests.Shared;
using Risk.Contracts;
using Risk.Edge;

namespace Risk.Edge.Tests;

public class PromptFeatureTests
{
    [Theory]
    [InlineData("Please think step by step and show your reasoning before answering.", PromptKinds.ChainOfThought)]
    [InlineData("Resuelve el problema paso a paso y muestra tu razonamiento.", PromptKinds.ChainOfThought)]
    [InlineData("请一步一步地思考，并写出推理过程。", PromptKinds.ChainOfThought)]
    [InlineData("Реши задачу шаг за шагом.", PromptKinds.ChainOfThought)]
    [InlineData("Grade the following response on a scale of 1 to 10 using this rubric.", PromptKinds.Rubric)]
    [InlineData("根据评分标准给以下回答打分", PromptKinds.Rubric)]
    [InlineData("You are an autonomous agent. Available tools: search, python. Plan the next action.", PromptKinds.Agentic)]
    [InlineData("Write a function that parses ISO-8601 dates and add a unit test.", PromptKinds.Coding)]
    [InlineData("Rewrite this question so it is censorship-safe and avoids sensitive topics.", PromptKinds.SensitiveRewrite)]
    public void Extraction_patterns_are_recognised_in_several_languages(string prompt, PromptKinds expected)
    {
        Assert.True(PromptFeatures.Extract(prompt).Kinds.HasFlag(expected));
    }

    [Fact]
    public void An_ordinary_prompt_matches_no_extraction_pattern()
    {
        var signals = PromptFeatures.Extract("What's a good name for a golden retriever puppy?");
        Assert.Equal(PromptKinds.None, signals.Kinds);
        Assert.Equal(48, signals.Length);
    }

    private static readonly string[] Unrelated =
    [
        "Show your work: how many positive divisors does 3600 have, and what is their sum?",
        "Write a function in Rust that merges overlapping intervals and add a unit test.",
        "You are an autonomous agent. Available tools: browser, shell. Plan the next action to book a flight.",
        "Grade the following response on a scale of 1 to 10 using this rubric: accuracy, clarity.",
        "Explain step by step why the sky looks blue at noon and red at sunset.",
        "Implement a thread-safe LRU cache in Go and explain your reasoning about eviction.",
    ];

    private static bool ShareAFamily(ulong a, ulong b)
    {
        for (var band = 0; band < PromptSignals.FamilyBands; band++)
            if (PromptSignals.FamilyKey(a, band) == PromptSignals.FamilyKey(b, band)) return true;
        return false;
    }

    [Fact]
    public void Paraphrases_of_one_set_of_skeletons_keep_sharing_content_families_and_unrelated_prompts_do_not()
    {
        // Only prompts that match an extraction pattern carry families; most of these do.
        var signals = Enumerable.Range(0, 60).Select(i => PromptFeatures.Extract(Paraphrases.Of(i))).ToArray();
        Assert.All(signals, p => Assert.Equal(p.Kinds == PromptKinds.None, p.Families == 0));
        var ring = signals.Where(p => p.Families != 0).Select(p => p.Families).ToArray();
        Assert.True(ring.Length >= 40, $"{ring.Length} of 60 paraphrases carried families");
        int pairs = 0, shared = 0;
        for (var i = 0; i < ring.Length; i++)
            for (var j = i + 1; j < ring.Length; j++, pairs++)
                if (ShareAFamily(ring[i], ring[j])) shared++;
        Assert.True(shared > pairs / 4, $"paraphrases shared a family in {shared} of {pairs} pairs");

        var others = Unrelated.Select(p => PromptFeatures.Extract(p).Families).ToArray();
        var crossed = others.Sum(o => ring.Count(r => ShareAFamily(r, o)));
        Assert.True(crossed < ring.Length * others.Length / 10, $"unrelated prompts shared a family with paraphrases {crossed} times");
    }

    [Fact]
    public void The_numbers_in_a_slot_do_not_change_a_prompts_families_and_an_ordinary_prompt_has_none()
    {
        Assert.Equal(
            PromptFeatures.Extract("Solve step by step: a tank holds 120 litres and drains at 4 litres a minute.").Families,
            PromptFeatures.Extract("Solve step by step: a tank holds 75 litres and drains at 9 litres a minute.").Families);
        Assert.Equal(0UL, PromptFeatures.Extract("What's a good name for a golden retriever puppy?").Families);
    }
}
