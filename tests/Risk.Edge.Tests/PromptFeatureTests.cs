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
}
