namespace Risk.Simulation;

/// <summary>
/// This week's problem set of a course. Every student gets the same problems, so homework prompts repeat
/// across a campus: benign near-duplicates with step-by-step wording, the crowd that must not be flagged.
/// </summary>
internal sealed class ProblemSet
{
    private static readonly string[] Reactions = Corpus.Load("workload")["Reactions"];

    private static readonly Func<Random, string>[] Makers =
    [
        r => $"Find the derivative of f(x) = {r.Between(2, 9)}x^{r.Between(2, 6)} · sin({r.Between(2, 7)}x).",
        r => $"Evaluate the integral of {r.Between(2, 9)}x·e^({r.Between(2, 5)}x) dx.",
        r => $"A ball is thrown upward at {r.Between(8, 30)} m/s from a height of {r.Between(1, 40)} m. How long until it hits the ground? (g = 9.8 m/s²)",
        r => $"A {r.Between(2, 20)} kg block slides down a frictionless incline of {r.Between(15, 60)}°. What is its acceleration and the normal force?",
        r => $"If P(A) = 0.{r.Between(1, 9)}, P(B) = 0.{r.Between(1, 9)} and A and B are independent, what is P(A ∪ B)?",
        r => $"What does this Python print? for i in range({r.Between(5, 30)}): if i % {r.Between(2, 6)} == 0: print(i)",
        r => r.Between(2, 9) is var c ? $"Find the limit as x → {c} of (x² − {c * c}) / (x − {c})." : "",
        r => $"Use the chain rule to differentiate y = ({r.Between(2, 9)}x² + {r.Between(1, 20)})^{r.Between(3, 9)}.",
        r => $"A sample of {r.Between(20, 200)} students has mean {r.Between(50, 90)} and standard deviation {r.Between(4, 20)}. Construct a 95% confidence interval for the mean.",
        r => $"Balance the chemical equation: {r.Pick(Reactions)}",
        r => $"Solve the recurrence T(n) = {r.Between(2, 4)}T(n/{r.Between(2, 4)}) + n^{r.Between(1, 3)} using the master theorem.",
        r => $"A {r.Between(100, 900)} Ω resistor and a {r.Between(1, 90)} µF capacitor are in series with a {r.Between(5, 24)} V battery. What is the time constant, and the voltage across the capacitor after 2τ?",
    ];

    public IReadOnlyList<string> Problems { get; }

    public ProblemSet(Random rng, int count = 36) =>
        Problems = Enumerable.Range(0, count).Select(i => Makers[i % Makers.Length](rng)).ToList();

    private static readonly string[] Phrasings = Corpus.Load("workload")["HomeworkPhrasings"];

    /// <summary>A student asking about one of this week's problems; the problem text is pasted as given.</summary>
    public string Ask(Random rng) =>
        Text.Spin(rng, rng.Pick(Phrasings), ("item", rng.Pick(Problems)), ("wrong", rng.Between(-20, 200).ToString()));
}

/// <summary>
/// A consumer agent product: the same system preamble for every user, then the user's task and tool
/// observations. Agentic wording and shared templates are normal here; outputs are short tool calls.
/// </summary>
internal static class AgentProduct
{
    private static readonly string Preamble = Corpus.Load("workload").One("AgentPreamble");

    private static readonly Func<Random, string>[] Tasks =
    [
        r => $"find a dentist near {r.Pick(EverydayPrompts.Cities)} open on Saturdays and add a reminder for next week",
        r => $"summarize the unread emails from {r.Pick(EverydayPrompts.Names)} and draft short replies",
        r => $"plan a {r.Between(2, 9)}-day trip to {r.Pick(EverydayPrompts.Cities)} and put it in my calendar",
        r => $"compare prices for {r.OneOf("a standing desk", "running shoes", "a kids' bike", "an air purifier", "a 4K monitor")} across three stores under {r.Between(1, 20) * 50} dollars",
        r => $"turn notes/{r.OneOf("standup", "ideas", "meeting", "reading")}-{r.Between(1, 31)}.md into a weekly report and email it to {r.Pick(EverydayPrompts.Names)}",
        r => $"book a table for {r.Between(2, 10)} at {r.OneOf("an Italian", "a vegan", "a sushi", "a tapas")} restaurant in {r.Pick(EverydayPrompts.Cities)} on {r.OneOf("Friday", "Saturday", "Sunday")} evening",
        r => $"find {r.Between(3, 8)} recent articles about {r.Pick(EverydayPrompts.Concepts)} and save a reading list",
        r => $"move all meetings with {r.Pick(EverydayPrompts.Names)} this week to the afternoon and tell the attendees",
        r => $"check the weather in {r.Pick(EverydayPrompts.Cities)} for the weekend and suggest what to pack",
        r => $"{EverydayPrompts.English(r)}",
    ];

    public static string FirstStep(Random rng) => Preamble + rng.Pick(Tasks)(rng);

    public static string NextStep(Random rng) =>
        Preamble + "(continuing)\nObservation: " + rng.OneOf(
            $"web_search returned {rng.Between(3, 10)} results; top: \"{EverydayPrompts.Sentence(rng)}\"",
            $"calendar: {rng.Between(0, 6)} events on {rng.OneOf("Mon", "Tue", "Wed", "Thu", "Fri")}, first at {rng.Between(8, 17)}:{rng.OneOf("00", "15", "30", "45")}",
            $"open_url: page loaded, {rng.Between(200, 4000)} words, title \"{EverydayPrompts.Sentence(rng)}\"",
            $"email: {rng.Between(1, 30)} unread, latest from {rng.Pick(EverydayPrompts.Names)}",
            $"read_file: {rng.Between(5, 300)} lines") + "\nNext step?";
}

/// <summary>
/// A batch job: one fixed instruction with a data item in a slot, a one-word answer. Perfectly templated and
/// machine-timed, yet benign; what it lacks is reasoning requests and long outputs.
/// </summary>
internal sealed record AutomationJob(string Name, Func<Random, string> Prompt, int MaxOutTokens)
{
    private static string Review(Random r) =>
        $"{r.OneOf("Arrived late and", "Great value,", "Stopped working after a week,", "Exactly as described,", "The box was damaged but")} {r.OneOf("the battery lasts forever", "customer service never answered", "my kids love it", "it feels cheap", "setup took five minutes", "the color is off")}{r.OneOf(".", "!", ". Would buy again.", ". Returning it.", "")}";

    public static readonly AutomationJob[] All =
    [
        new("sentiment", r => $"Classify the sentiment of this product review as positive, negative or neutral. Reply with one word.\n\nReview: {Review(r)}", 2),
        new("invoice", r => $"Extract the invoice number, date and total from the text below. Reply as JSON with keys invoice, date, total.\n\nInvoice INV-{r.Between(10000, 99999)} dated 2026-0{r.Between(1, 3)}-{r.Between(10, 28)}, {r.Between(1, 40)} items, total due {r.Between(10, 9000)}.{r.Between(10, 99)} EUR, payable within {r.OneOf("14", "30", "60")} days.", 24),
        new("ticket", r => $"Assign one category to this support ticket: billing, login, bug, feature_request, other. Reply with the category only.\n\nTicket: {EverydayPrompts.Sentence(r)}", 3),
        new("title", r => $"Translate this product title into German. Reply with the translation only: {r.OneOf("Stainless", "Compact", "Wireless", "Kids'", "Heavy-duty", "Organic")} {r.OneOf("water bottle", "desk lamp", "garden hose", "yoga mat", "phone case", "coffee grinder")} {r.Between(1, 5) * 250}{r.OneOf("ml", "mm", "g", "")}", 16),
        new("spam", r => $"Is the following comment spam? Answer yes or no.\n\n{r.OneOf(EverydayPrompts.Sentence(r), "Buy cheap followers now at bit.ly/" + r.Next(100000), "Great post, thanks for sharing!", "Check my profile for a special offer " + r.Next(1000))}", 1),
        new("address", r => $"Normalize this address to the format street, city, postcode, country. Reply with the address only: {r.Between(1, 300)} {r.OneOf("main st", "rue de la paix", "hauptstrasse", "calle mayor", "high street")} {r.Pick(EverydayPrompts.Cities).ToLowerInvariant()} {r.Between(1000, 99999)}", 20),
        new("language", r => $"Detect the language of this text and reply with its ISO 639-1 code only: {r.OneOf(EverydayPrompts.Sentence(r), "Dónde está la estación de tren más cercana", "Ich hätte gern zwei Brötchen", "Merci pour votre commande", "Obrigado pela paciência")}", 1),
        new("headline", r => $"Give a one-line summary (max 15 words) of this news lede: {EverydayPrompts.Sentence(r)} {EverydayPrompts.Sentence(r)}", 20),
    ];
}

/// <summary>
/// A research lab's chain-of-thought benchmark: a fixed list of items run through one harness template.
/// Every run sends the same prompts again, and the lab evaluates a new model within hours of its launch.
/// </summary>
internal sealed class Benchmark(Random rng, int items)
{
    private static readonly string Harness = Corpus.Load("workload").One("BenchmarkHarness");

    public IReadOnlyList<string> Items { get; } = Enumerable.Range(0, items).Select(_ => ExtractionPrompts.EnglishProblem(rng)).ToList();

    public string Prompt(int item) => Harness + Items[item];
}
