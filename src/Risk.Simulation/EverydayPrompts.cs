namespace Risk.Simulation;

/// <summary>
/// What ordinary people ask: many independent generators over a broad vocabulary, each filling several slots,
/// so that two people (or one person twice) rarely send prompts a SimHash would call near-duplicates.
/// </summary>
internal static class EverydayPrompts
{
    /// <summary>The word lists below, from Corpora/everyday.txt.</summary>
    private static readonly Corpus Data = Corpus.Load("everyday");

    public static readonly string[] Names = Data["Names"];
    public static readonly string[] Cities = Data["Cities"];
    private static readonly string[] Months = Data["Months"];
    private static readonly string[] Recipients = Data["Recipients"];
    private static readonly string[] EmailTopics = Data["EmailTopics"];
    private static readonly string[] Tones = Data["Tones"];
    public static readonly string[] Concepts = Data["Concepts"];
    private static readonly string[] Audiences = Data["Audiences"];
    private static readonly string[] Ingredients = Data["Ingredients"];
    private static readonly string[] Diets = Data["Diets"];
    private static readonly string[] Goals = Data["Goals"];
    private static readonly string[] Constraints = Data["Constraints"];
    private static readonly string[] PoemForms = Data["PoemForms"];
    private static readonly string[] Subjects = Data["Subjects"];
    private static readonly string[] Styles = Data["Styles"];
    private static readonly string[] Businesses = Data["Businesses"];
    private static readonly string[] Products = Data["Products"];
    private static readonly string[] Relations = Data["Relations"];
    private static readonly string[] Hobbies = Data["Hobbies"];
    private static readonly string[] HistoryEvents = Data["HistoryEvents"];
    private static readonly string[] GrammarPairs = Data["GrammarPairs"];
    private static readonly string[] CodeLangs = Data["CodeLangs"];
    private static readonly string[] CodeErrors = Data["CodeErrors"];
    private static readonly string[] CodeActions = Data["CodeActions"];
    private static readonly string[] SentenceSubjects = Data["SentenceSubjects"];
    private static readonly string[] SentenceVerbs = Data["SentenceVerbs"];
    private static readonly string[] SentenceObjects = Data["SentenceObjects"];
    private static readonly string[] SentenceTails = Data["SentenceTails"];

    public static string Sentence(Random rng) =>
        $"{rng.Pick(SentenceSubjects)} {rng.Pick(SentenceVerbs)} {rng.Pick(SentenceObjects)} {rng.Pick(SentenceTails)}.";

    public static string Paragraph(Random rng, int sentences) =>
        string.Join(" ", Enumerable.Range(0, sentences).Select(_ => Sentence(rng)));

    private static string Money(Random rng) => rng.OneOf("$", "€", "£") + (rng.Between(2, 60) * 50).ToString();

    private static readonly Func<Random, string>[] EnglishMakers =
    [
        r => $"Can you help me write a {r.Pick(Tones)} email to my {r.Pick(Recipients)} about {r.Pick(EmailTopics)}? {r.OneOf("Mention that", "I want to say that", "Include that")} {Sentence(r).ToLowerInvariant()}",
        r => $"Explain {r.Pick(Concepts)} {r.Pick(Audiences)}.",
        r => $"What's the difference between {r.Pick(Concepts)} and {r.Pick(Concepts)}? {r.OneOf("Keep it short.", "Give an example of each.", "I keep mixing them up.", "")}",
        r => $"Plan a {r.Between(2, 10)}-day trip to {r.Pick(Cities)} in {r.Pick(Months)} for {r.OneOf("two adults", "a family with two kids", "a solo traveler", "four friends", "a couple on a honeymoon")}, budget around {Money(r)}. {r.OneOf("We love food markets.", "No museums please.", "We don't drive.", "I'm vegetarian.", "Include a day trip.")}",
        r => $"I have {r.Pick(Ingredients)}, {r.Pick(Ingredients)} and {r.Pick(Ingredients)}. What {r.Pick(Diets)} dinner can I make in under {r.Between(15, 60)} minutes?",
        r => $"How do I {r.Pick(Goals)} without {r.Pick(Constraints)}?",
        r => $"Write a {r.Pick(PoemForms)} about {r.Pick(Subjects)} in the style of {r.Pick(Styles)}.",
        r => $"Give me {r.Between(5, 15)} name ideas for a {r.Pick(Businesses)} in {r.Pick(Cities)}. {r.OneOf("Something playful.", "Nothing too generic.", "It should work in English and Spanish.", "Short names only.")}",
        r => $"Compare {r.Pick(Products)} for {r.OneOf("a small apartment", "a beginner", "someone on a budget", "daily commuting", "a family of five", "travel")}. What should I look for?",
        r => $"Summarize this in {r.Between(2, 5)} bullet points:\n{Paragraph(r, r.Between(3, 6))}",
        r => $"Translate into {r.OneOf("Spanish", "French", "German", "Japanese", "Italian", "Portuguese", "Korean")}: \"{Sentence(r)}\"",
        r => $"Gift ideas for my {r.Pick(Relations)} who likes {r.Pick(Hobbies)}? Budget about {Money(r)}.",
        r => $"Why did {r.Pick(HistoryEvents)} happen? {r.OneOf("Main causes only.", "I'm writing a short essay.", "Was it inevitable?", "")}",
        r => $"Make this sound more {r.OneOf("professional", "friendly", "concise", "confident", "polite")}: \"{Sentence(r)} {Sentence(r)}\"",
        r => $"Is it {r.Pick(GrammarPairs)} in this sentence: \"{Sentence(r)}\"",
        r => $"If I save {Money(r)} a month at {r.Between(2, 8)}% interest, how much will I have after {r.Between(2, 30)} years?",
        r => $"Why does my {r.Pick(CodeLangs)} code give {r.Pick(CodeErrors)} when I {r.Pick(CodeActions)}?",
        r => $"What are some good {r.OneOf("stretches", "exercises", "habits", "podcasts", "books")} for {r.OneOf("lower back pain from sitting", "a beginner runner", "better focus", "people who travel a lot", "tight hips", "learning about economics")}?",
        r => $"My {r.Pick(Relations)} and I are arguing about whether {r.Pick(Concepts)} {r.OneOf("is overrated", "matters for normal people", "is really that complicated", "was discovered by accident")}. Who's right?",
        r => $"Write an Excel formula that {r.OneOf("counts cells in column B greater than", "sums sales in column D for rows where column A is", "looks up a price by product code from sheet", "flags duplicate emails in column")} {r.Between(2, 500)}.",
        r => $"Draft a short {r.OneOf("LinkedIn post", "tweet", "newsletter intro", "product description", "cover letter opening")} about {r.OneOf("my new job at a", "launching our", "our team's work on the", "volunteering at a")} {r.Pick(Businesses)}.",
        r => $"How many {r.OneOf("cups", "grams", "ounces", "tablespoons")} are in {r.Between(1, 12)} {r.OneOf("cups", "pounds", "liters", "kilograms")} of {r.Pick(Ingredients)}?",
        r => $"Recommend {r.Between(3, 8)} {r.OneOf("novels", "documentaries", "board games", "podcasts", "albums")} for someone who loved {r.Pick(Subjects)} stories and {r.Pick(Hobbies)}.",
        r => $"What should I ask at a job interview for a {r.OneOf("junior", "senior", "part-time", "remote")} {r.OneOf("nurse", "data analyst", "barista", "teacher", "project manager", "mechanic", "UX designer")} position?",
        r => $"Help me reply to {r.Pick(Names)}, who wrote: \"{Sentence(r)}\" I want to say no {r.OneOf("politely", "without burning bridges", "but offer an alternative", "firmly")}.",
        r => $"Is {r.Pick(Cities)} or {r.Pick(Cities)} better for {r.OneOf("a weekend with kids", "remote work for a month", "street food", "a first trip abroad", "hiking")}?",
    ];

    private static readonly string[] Openers = Data["Openers"];
    private static readonly string[] Closers = Data["Closers"];
    private static readonly string[] Situations = Data["Situations"];
    private static readonly string[] ContextOpeners = Data["ContextOpeners"];

    /// <summary>The personal detail people add unprompted; it is most of what makes two similar questions differ.</summary>
    public static string PersonalContext(Random rng)
    {
        var opener = rng.Pick(ContextOpeners);
        var body = rng.Pick(Situations) + (rng.Chance(0.5) ? " and " + rng.Pick(Situations) : "") +
            (rng.Chance(0.5) ? $", {rng.OneOf("in", "near", "outside")} {rng.Pick(Cities)}" : "");
        return opener == "(" ? $"({body})" : $"{opener} {body}.";
    }

    public static string English(Random rng)
    {
        var core = rng.Pick(EnglishMakers)(rng);
        if (rng.Chance(0.5)) core = rng.Chance(0.5) ? core + " " + PersonalContext(rng) : PersonalContext(rng) + " " + core;
        return rng.Pick(Openers) + core + rng.Pick(Closers);
    }

    // Other languages: fewer generators, but still several slots each so a crowd rarely repeats itself.
    private static readonly string[] CitiesEs = Data["CitiesEs"];
    private static readonly string[] FoodsEs = Data["FoodsEs"];
    private static readonly string[] TopicsEs = Data["TopicsEs"];
    private static readonly string[] CitiesDe = Data["CitiesDe"];
    private static readonly string[] TopicsDe = Data["TopicsDe"];
    private static readonly string[] CitiesFr = Data["CitiesFr"];
    private static readonly string[] TopicsFr = Data["TopicsFr"];
    private static readonly string[] CitiesPt = Data["CitiesPt"];
    private static readonly string[] CitiesZh = Data["CitiesZh"];
    private static readonly string[] TopicsZh = Data["TopicsZh"];
    private static readonly string[] FoodsZh = Data["FoodsZh"];
    private static readonly string[] CitiesJa = Data["CitiesJa"];
    private static readonly string[] TopicsJa = Data["TopicsJa"];
    private static readonly string[] CitiesRu = Data["CitiesRu"];
    private static readonly string[] TopicsRu = Data["TopicsRu"];

    private static readonly Func<Random, string>[] SpanishMakers =
    [
        r => $"¿Me ayudas a escribir un correo {r.OneOf("formal", "amable", "breve", "firme")} a mi {r.OneOf("jefe", "casero", "profesora", "cliente", "vecino")} sobre {r.OneOf("un retraso en el pago", "un cambio de turno", "una factura incorrecta", "las vacaciones de agosto", "una reunión pendiente")}?",
        r => $"Explícame {r.Pick(TopicsEs)} {r.OneOf("como si tuviera diez años", "en pocas palabras", "con un ejemplo cotidiano", "sin tecnicismos")}.",
        r => $"Tengo {r.Pick(FoodsEs)}, {r.Pick(FoodsEs)} y {r.Pick(FoodsEs)}. ¿Qué cena puedo hacer en {r.Between(15, 50)} minutos?",
        r => $"Planea un viaje de {r.Between(2, 9)} días a {r.Pick(CitiesEs)} con un presupuesto de {r.Between(3, 30) * 100} euros. {r.OneOf("Viajo con niños.", "Me encanta la comida callejera.", "No tengo coche.", "")}",
        r => $"Resume en {r.Between(2, 5)} puntos: {Paragraph(r, r.Between(2, 4))}",
        r => $"¿Cuál es la diferencia entre {r.Pick(TopicsEs)} y {r.Pick(TopicsEs)}?",
        r => $"Escribe un {r.OneOf("poema", "cuento corto", "mensaje de cumpleaños", "brindis")} sobre {r.OneOf("el mar", "mi perro", "los lunes", "la abuela", "el primer día de clase", "una bicicleta vieja")} para {r.Pick(Names)}.",
    ];

    private static readonly Func<Random, string>[] GermanMakers =
    [
        r => $"Kannst du mir helfen, eine {r.OneOf("höfliche", "kurze", "formelle", "bestimmte")} E-Mail an {r.OneOf("meinen Vermieter", "meine Chefin", "die Versicherung", "den Kundenservice", "meinen Professor")} wegen {r.OneOf("der Nebenkostenabrechnung", "einer Fristverlängerung", "eines defekten Geräts", "meines Urlaubs", "einer falschen Rechnung")} zu schreiben?",
        r => $"Erkläre mir {r.Pick(TopicsDe)} {r.OneOf("einfach", "wie einem Kind", "in drei Sätzen", "mit einem Beispiel")}.",
        r => $"Plane ein Wochenende in {r.Pick(CitiesDe)} für {r.OneOf("zwei Personen", "eine Familie", "mich allein")} mit {r.Between(2, 12) * 50} Euro Budget.",
        r => $"Fasse das in {r.Between(2, 5)} Stichpunkten zusammen: {Paragraph(r, r.Between(2, 4))}",
        r => $"Was kann ich mit {r.OneOf("Kartoffeln", "Linsen", "Eiern", "Spinat", "Reis")} und {r.OneOf("Feta", "Zucchini", "Hähnchen", "Tofu", "Tomaten")} kochen? {r.OneOf("Vegetarisch bitte.", "Schnell bitte.", "Für vier Personen.", "")}",
        r => $"Welche Vorteile hat {r.Pick(TopicsDe)} für {r.OneOf("Mieter", "Studierende", "Rentner", "kleine Firmen")}?",
    ];

    private static readonly Func<Random, string>[] FrenchMakers =
    [
        r => $"Peux-tu m'aider à écrire un mail {r.OneOf("poli", "court", "formel", "ferme")} à {r.OneOf("mon propriétaire", "ma responsable", "l'assurance", "mon prof", "un client")} au sujet {r.OneOf("d'un retard de paiement", "d'une facture erronée", "de mes congés", "d'un colis perdu", "d'un rendez-vous")} ?",
        r => $"Explique-moi {r.Pick(TopicsFr)} {r.OneOf("simplement", "comme à un enfant", "en trois phrases", "avec un exemple")}.",
        r => $"Organise un séjour de {r.Between(2, 8)} jours à {r.Pick(CitiesFr)} avec {r.Between(3, 20) * 100} euros.",
        r => $"Résume en {r.Between(2, 5)} points : {Paragraph(r, r.Between(2, 4))}",
        r => $"Quelle recette avec {r.OneOf("des courgettes", "des lentilles", "du poulet", "des œufs", "du riz")} et {r.OneOf("du chèvre", "des tomates", "des épinards", "du tofu", "des champignons")} ?",
        r => $"Écris un {r.OneOf("poème", "petit discours", "message d'anniversaire", "conte")} sur {r.OneOf("la mer", "mon chat", "l'automne", "un vieux vélo", "la rentrée")}.",
    ];

    private static readonly Func<Random, string>[] PortugueseMakers =
    [
        r => $"Me ajuda a escrever um e-mail {r.OneOf("educado", "curto", "formal")} para {r.OneOf("o meu chefe", "o senhorio", "a escola", "um cliente")} sobre {r.OneOf("um atraso", "uma fatura errada", "as férias", "uma reunião")}?",
        r => $"Planeje {r.Between(2, 7)} dias em {r.Pick(CitiesPt)} com orçamento de {r.Between(5, 40) * 100} reais.",
        r => $"Explique {r.OneOf("a inflação", "os juros compostos", "a fotossíntese", "o efeito estufa")} de forma simples.",
        r => $"Resuma em tópicos: {Paragraph(r, r.Between(2, 4))}",
    ];

    private static readonly Func<Random, string>[] ChineseMakers =
    [
        r => $"帮我写一封{r.OneOf("正式", "礼貌", "简短", "委婉")}的邮件给{r.OneOf("房东", "老板", "老师", "客户", "同事")}，关于{r.OneOf("延期交付", "请假三天", "报销问题", "调整会议时间", "退款")}。",
        r => $"用{r.OneOf("通俗易懂", "简单", "小学生能懂", "三句话")}的方式解释一下{r.Pick(TopicsZh)}。",
        r => $"去{r.Pick(CitiesZh)}玩{r.Between(2, 7)}天，预算{r.Between(2, 20) * 500}元，帮我做个行程安排。{r.OneOf("带老人。", "喜欢吃辣。", "不想太累。", "")}",
        r => $"家里有{r.Pick(FoodsZh)}、{r.Pick(FoodsZh)}和{r.Pick(FoodsZh)}，晚饭做什么好？",
        r => $"{r.Pick(TopicsZh)}和{r.Pick(TopicsZh)}有什么关系？",
        r => $"给我{r.Between(5, 12)}个{r.OneOf("奶茶店", "宠物店", "咖啡馆", "书店", "民宿")}的名字，要{r.OneOf("好记", "文艺一点", "有趣")}。",
        r => $"帮我总结一下：{Paragraph(r, r.Between(2, 3))}",
    ];

    private static readonly Func<Random, string>[] JapaneseMakers =
    [
        r => $"{r.OneOf("上司", "大家さん", "先生", "取引先")}に{r.OneOf("納期の延長", "有給休暇", "請求書の誤り", "打ち合わせの日程変更")}についての{r.OneOf("丁寧な", "短い", "フォーマルな")}メールを書いてください。",
        r => $"{r.Pick(TopicsJa)}について{r.OneOf("わかりやすく", "小学生にもわかるように", "三行で", "例を挙げて")}説明してください。",
        r => $"{r.Pick(CitiesJa)}で{r.Between(1, 5)}泊の旅行プランを作って。予算は{r.Between(3, 15)}万円です。",
        r => $"冷蔵庫に{r.OneOf("卵", "豆腐", "鶏肉", "キャベツ", "納豆")}と{r.OneOf("玉ねぎ", "トマト", "しめじ", "ご飯", "豚肉")}があります。夕飯のレシピを教えて。",
        r => $"次の文章を要約して：{Paragraph(r, r.Between(2, 3))}",
    ];

    private static readonly Func<Random, string>[] RussianMakers =
    [
        r => $"Помоги написать {r.OneOf("вежливое", "короткое", "официальное")} письмо {r.OneOf("арендодателю", "начальнику", "преподавателю", "клиенту")} про {r.OneOf("задержку оплаты", "отпуск", "ошибку в счёте", "перенос встречи")}.",
        r => $"Объясни {r.OneOf("простыми словами", "как ребёнку", "в трёх предложениях")}, что такое {r.Pick(TopicsRu)}.",
        r => $"Составь маршрут на {r.Between(2, 7)} дня по городу {r.Pick(CitiesRu)} с бюджетом {r.Between(2, 10) * 10000} рублей.",
        r => $"Что приготовить из {r.OneOf("гречки", "курицы", "картошки", "яиц", "капусты")} и {r.OneOf("грибов", "сыра", "помидоров", "фарша", "риса")}?",
        r => $"Кратко перескажи: {Paragraph(r, r.Between(2, 3))}",
    ];

    public static string Chat(Random rng, Lang lang)
    {
        var core = lang switch
        {
            Lang.Es => rng.Pick(SpanishMakers)(rng),
            Lang.De => rng.Pick(GermanMakers)(rng),
            Lang.Fr => rng.Pick(FrenchMakers)(rng),
            Lang.Pt => rng.Pick(PortugueseMakers)(rng),
            Lang.Zh => rng.Pick(ChineseMakers)(rng),
            Lang.Ja => rng.Pick(JapaneseMakers)(rng),
            Lang.Ru => rng.Pick(RussianMakers)(rng),
            _ => null,
        };
        return core is null ? English(rng) : rng.Chance(0.6) ? core + " " + Tail(rng, lang) : core;
    }

    /// <summary>A personal aside in the prompt's language, with its own numbers, so short prompts rarely repeat exactly.</summary>
    private static string Tail(Random r, Lang lang)
    {
        var n = r.Between(2, 60);
        return lang switch
        {
            Lang.Es => r.OneOf($"Tengo {n} años.", $"Somos {r.Between(2, 8)} personas.", $"Llevo {n} días con esto.", $"Vivo en {r.Pick(CitiesEs)}.", $"Es para el {r.Between(1, 28)} de {r.OneOf("marzo", "abril", "mayo")}.", $"Mi presupuesto es de {n * 10} euros."),
            Lang.De => r.OneOf($"Ich bin {n} Jahre alt.", $"Wir sind {r.Between(2, 8)} Personen.", $"Ich wohne in {r.Pick(CitiesDe)}.", $"Es eilt, bis zum {r.Between(1, 28)}.", $"Budget ungefähr {n * 10} Euro."),
            Lang.Fr => r.OneOf($"J'ai {n} ans.", $"Nous sommes {r.Between(2, 8)}.", $"J'habite à {r.Pick(CitiesFr)}.", $"C'est pour le {r.Between(1, 28)} {r.OneOf("mars", "avril", "mai")}.", $"Budget d'environ {n * 10} euros."),
            Lang.Pt => r.OneOf($"Tenho {n} anos.", $"Moro em {r.Pick(CitiesPt)}.", $"Somos {r.Between(2, 8)} pessoas.", $"Orçamento de {n * 10} reais."),
            Lang.Zh => r.OneOf($"我今年{n}岁。", $"我们一共{r.Between(2, 8)}个人。", $"我住在{r.Pick(CitiesZh)}。", $"预算大概{n * 100}元。", $"{r.Between(1, 28)}号之前要用。", $"已经纠结{n}天了。"),
            Lang.Ja => r.OneOf($"{n}歳です。", $"{r.Between(2, 8)}人です。", $"{r.Pick(CitiesJa)}に住んでいます。", $"予算は{n}千円くらいです。", $"{r.Between(1, 28)}日までに必要です。"),
            Lang.Ru => r.OneOf($"Мне {n} лет.", $"Нас {r.Between(2, 8)} человек.", $"Живу в городе {r.Pick(CitiesRu)}.", $"Бюджет около {n} тысяч.", $"Нужно к {r.Between(1, 28)} числу."),
            _ => PersonalContext(r),
        };
    }

    /// <summary>
    /// An ordinary person asking for a worked explanation. Step-by-step wording is common in benign traffic;
    /// what differs from extraction is the breadth of topics and the lack of a shared skeleton.
    /// </summary>
    public static string StepByStep(Random rng, Lang lang)
    {
        var question = StepByStepQuestion(rng, lang);
        return rng.Chance(0.75) ? question + " " + Tail(rng, lang) : question;
    }

    private static string StepByStepQuestion(Random rng, Lang lang)
    {
        switch (lang)
        {
            case Lang.Zh:
                return $"{rng.OneOf("请一步一步", "能不能一步一步", "麻烦逐步")}{rng.OneOf("讲解", "告诉我", "分析一下")}{rng.Pick(TopicsZh)}{rng.OneOf("是怎么回事", "的原理", "怎么计算")}？";
            case Lang.Es:
                return $"¿Me explicas paso a paso {rng.OneOf("cómo funciona", "cómo se calcula", "qué es")} {rng.Pick(TopicsEs)}? {rng.OneOf("Tengo examen mañana.", "No lo entiendo.", "")}";
            case Lang.De:
                return $"Kannst du Schritt für Schritt erklären, {rng.OneOf("wie", "warum")} {rng.Pick(TopicsDe)} {rng.OneOf("funktioniert", "so wichtig ist", "berechnet wird")}?";
            case Lang.Fr:
                return $"Peux-tu m'expliquer étape par étape {rng.OneOf("comment fonctionne", "comment on calcule", "ce qu'est")} {rng.Pick(TopicsFr)} ?";
            case Lang.Ja:
                return $"{rng.Pick(TopicsJa)}について、ステップバイステップで{rng.OneOf("教えてください", "説明して", "解説してほしいです")}。";
            case Lang.Ru:
                return $"Объясни шаг за шагом, {rng.OneOf("как работает", "как считается", "что такое")} {rng.Pick(TopicsRu)}.";
        }
        return rng.Next(7) switch
        {
            0 => $"Can you explain step by step how {rng.Pick(Concepts)} {rng.OneOf("works", "affects me", "was figured out", "is measured")}?",
            1 => $"Walk me through, step by step, how to {rng.Pick(Goals)}. {rng.OneOf("I have " + rng.Between(2, 12) + " weeks.", "Assume I'm a total beginner.", "I tried once and gave up.", "")}",
            2 => $"Show your work: if a {rng.OneOf("jacket", "laptop", "bike", "sofa", "phone")} costs {Money(rng)} and is {rng.Between(10, 60)}% off, then taxed at {rng.Between(5, 21)}%, what do I pay?",
            3 => $"Explain your reasoning step by step: is it cheaper to {rng.OneOf("lease or buy a car", "rent or buy in " + rng.Pick(Cities), "pay off my loan early or invest", "fly or take the train to " + rng.Pick(Cities))} {rng.OneOf("over five years", "if I move in two years", "for a family of four", "")}?",
            4 => $"Step by step, how do I {rng.OneOf("set up", "troubleshoot", "reset", "configure")} {rng.OneOf("a home VPN", "my router's port forwarding", "two-factor authentication", "a shared family calendar", "automatic backups on my laptop", "a Raspberry Pi as a media server")}?",
            5 => $"Solve step by step: {rng.Between(2, 40)}x + {rng.Between(1, 99)} = {rng.Between(100, 900)}. {rng.OneOf("My kid's homework, I forgot how.", "Checking my answer.", "")}",
            _ => $"Think it through step by step: {rng.Pick(Names)} {rng.OneOf("is older than", "lives north of", "earns more than")} {rng.Pick(Names)}, who {rng.OneOf("is older than", "lives north of", "earns more than")} {rng.Pick(Names)}. What can we conclude?",
        };
    }

    private static readonly string[] Departments = Data["Departments"];
    private static readonly string[] WorkTopics = Data["WorkTopics"];
    private static readonly string[] Industries = Data["Industries"];

    /// <summary>Knowledge work from an office: drafting, summarising, planning, spreadsheets.</summary>
    public static string Work(Random rng)
    {
        var task = WorkTask(rng);
        if (!rng.Chance(0.8)) return task;
        var context = rng.Next(4) switch
        {
            0 => $"We are a {rng.Between(40, 9000)}-person {rng.Pick(Industries)} company.",
            1 => $"Audience: {rng.OneOf("the leadership team", "new hires", "our " + rng.Pick(Departments) + " colleagues", "external auditors", "customers in " + rng.Pick(Cities))}.",
            2 => $"Deadline is {rng.OneOf("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")} {rng.OneOf("morning", "noon", "EOD")}; keep it under {rng.Between(1, 6) * 100} words.",
            _ => $"Background: {Sentence(rng)}",
        };
        return rng.Chance(0.5) ? task + " " + context : context + " " + task;
    }

    private static string WorkTask(Random rng) => rng.Next(8) switch
    {
        0 => $"Draft a {rng.OneOf("project update", "meeting agenda", "one-page brief", "FAQ", "status email", "risk register entry")} for the {rng.Pick(Departments)} team about {rng.Pick(WorkTopics)}.",
        1 => $"Summarize these meeting notes into decisions and action items:\n{Paragraph(rng, rng.Between(3, 6))}",
        2 => $"Write a job description for a {rng.OneOf("senior", "junior", "lead", "contract")} {rng.OneOf("data engineer", "account manager", "paralegal", "payroll specialist", "product designer", "site reliability engineer")} in {rng.Pick(Departments)}.",
        3 => $"What are the pros and cons of {rng.Pick(WorkTopics)}? We are a {rng.Between(50, 5000)}-person company.",
        4 => $"Rewrite this for a {rng.OneOf("board", "customer", "all-hands", "regulator")} audience: \"{Sentence(rng)} {Sentence(rng)}\"",
        5 => $"Build a checklist for {rng.OneOf("closing the month in", "auditing access in", "handing over work in", "planning next year for")} {rng.Pick(Departments)}, covering {rng.Pick(WorkTopics)}.",
        6 => $"Create a table comparing {rng.Between(3, 5)} options for {rng.Pick(WorkTopics)} by cost, risk and effort.",
        _ => $"Help me respond to this complaint from a customer in {rng.Pick(Cities)}: \"{Sentence(rng)}\" Keep it {rng.Pick(Tones)}.",
    };

    private static readonly string[] Identifiers = Data["Identifiers"];
    private static readonly string[] Fields = Data["Fields"];
    private static readonly string[] Verbs = Data["Verbs"];
    private static readonly string[] Ops = Data["Ops"];

    /// <summary>
    /// A plausible snippet assembled from random statements over random identifiers: pasted code differs
    /// between people in structure, not only in names.
    /// </summary>
    public static string Snippet(Random rng, string lang)
    {
        string coll = rng.Pick(Identifiers), field = rng.Pick(Fields), other = rng.Pick(Fields), verb = rng.Pick(Verbs);
        int n = rng.Between(2, 500);
        if (lang == "SQL")
        {
            var joins = rng.Chance(0.5) ? $" JOIN {rng.Pick(Identifiers)} j ON j.{other}_id = t.id" : "";
            var where = rng.Chance(0.7) ? $" WHERE t.{field} {rng.Pick(Ops)} {n}" + (rng.Chance(0.5) ? $" AND t.{other} IS NOT NULL" : "") : "";
            var group = rng.Chance(0.5) ? $" GROUP BY t.{other} HAVING COUNT(*) > {rng.Between(1, 50)}" : "";
            return $"SELECT t.{other}, {rng.OneOf("COUNT(*)", $"SUM(t.{field})", $"AVG(t.{field})", $"MAX(t.{field})")} FROM {coll} t{joins}{where}{group} ORDER BY 2 {rng.OneOf("DESC", "ASC")} LIMIT {rng.Between(5, 500)}";
        }
        var python = lang == "Python";
        var go = lang == "Go";
        string[] pool = python
            ?
            [
                $"kept = [r for r in {coll} if r.{field} {rng.Pick(Ops)} {n}]", $"total = sum(r.{field} for r in {coll})",
                $"for r in {coll}:\n        if r.{other} is None:\n            continue\n        seen[r.{field}] = r",
                $"{coll} = sorted({coll}, key=lambda r: r.{field}, reverse={rng.OneOf("True", "False")})",
                $"if not {coll}:\n        raise ValueError('no {coll}')", $"log.info('%d {coll} after {verb}', len({coll}))",
                $"resp = session.get(f'/api/{coll}/{{r.id}}', timeout={rng.Between(1, 30)})", $"rows = list(csv.DictReader(open('{coll}_{n}.csv')))",
                $"cache[(r.{field}, r.{other})] = r", $"time.sleep({rng.Between(1, 9)} * attempt)", $"batch = {coll}[i:i + {rng.Between(10, 1000)}]",
            ]
            : go
            ?
            [
                $"kept := filter{Capital(coll)}(xs, {n})", $"for _, r := range xs {{\n\t\tif r.{Capital(field)} {rng.Pick(Ops)} {n} {{\n\t\t\tout = append(out, r)\n\t\t}}\n\t}}",
                $"sort.Slice(xs, func(i, j int) bool {{ return xs[i].{Capital(field)} < xs[j].{Capital(field)} }})",
                $"if len(xs) == 0 {{\n\t\treturn nil, errNo{Capital(coll)}\n\t}}", $"ctx, cancel := context.WithTimeout(ctx, {rng.Between(1, 30)}*time.Second)\n\tdefer cancel()",
                $"mu.Lock()\n\tseen[r.{Capital(other)}] = r\n\tmu.Unlock()", $"log.Printf(\"{verb}: %d {coll}\", len(xs))", $"resp, err := http.Get(base + \"/{coll}/\" + id)",
            ]
            :
            [
                $"const kept = {coll}.filter(r => r.{field} {rng.Pick(Ops)} {n});", $"const total = {coll}.reduce((s, r) => s + r.{field}, 0);",
                $"for (const r of {coll}) {{\n    if (!r.{other}) continue;\n    seen.set(r.{field}, r);\n  }}", $"{coll}.sort((a, b) => a.{field} - b.{field});",
                $"if ({coll}.length === 0) throw new Error('no {coll}');", $"console.log(`{verb}: ${{{coll}.length}}`);",
                $"const res = await fetch(`/api/{coll}/${{id}}`, {{ signal: AbortSignal.timeout({rng.Between(1, 30) * 1000}) }});",
                $"await new Promise(r => setTimeout(r, {rng.Between(100, 5000)}));", $"const batch = {coll}.slice(i, i + {rng.Between(10, 1000)});",
            ];
        var body = rng.Sample(pool, rng.Between(2, 5));
        var indent = python ? "    " : go ? "\t" : "  ";
        var lines = string.Join("\n", body.Select(b => indent + b));
        return python
            ? $"def {verb}_{coll}({coll}, {other}=None):\n{lines}\n    return {rng.OneOf("kept", "total", coll, "seen")}"
            : go
            ? $"func {verb}{Capital(coll)}(ctx context.Context, xs []{Capital(coll)}) ([]{Capital(coll)}, error) {{\n{lines}\n\treturn out, nil\n}}"
            : $"async function {verb}{Capital(coll)}({coll}, id) {{\n{lines}\n  return {rng.OneOf("kept", "total", coll, "seen")};\n}}";
    }

    private static string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>A developer's everyday coding request: refactors, tests, stack traces, queries.</summary>
    public static string DevQuestion(Random rng)
    {
        var question = DevTask(rng);
        if (!rng.Chance(0.6)) return question;
        var setting = rng.Next(4) switch
        {
            0 => $"We're on {rng.OneOf("Python 3.", "Node ", "Go 1.", "Postgres ")}{rng.Between(10, 23)}.",
            1 => $"It runs {rng.OneOf("in a Lambda", "in Kubernetes", "on a cron box", "in CI", "on my laptop", "behind nginx")} and {rng.OneOf("times out", "uses too much memory", "works locally only", "fails about " + rng.Between(1, 30) + "% of the time")}.",
            2 => $"The {rng.Pick(Identifiers)} table has about {rng.Between(1, 900)}k rows.",
            _ => $"Constraint: {rng.OneOf("no new dependencies", "must stay backwards compatible", "the team is junior", "we deploy on " + rng.OneOf("Monday", "Thursday", "Friday"))}.",
        };
        return rng.Chance(0.5) ? question + "\n" + setting : setting + " " + question;
    }

    private static string DevTask(Random rng)
    {
        var lang = rng.OneOf("Python", "TypeScript", "Go", "SQL", "Python", "TypeScript");
        return rng.Next(7) switch
        {
            0 => $"Refactor this {lang} to be more readable:\n```\n{Snippet(rng, lang)}\n```",
            1 => $"Write a unit test for this {lang} function, including the empty case:\n```\n{Snippet(rng, lang)}\n```",
            2 => $"What does this stack trace mean? {rng.Pick(CodeErrors)} at {rng.Pick(Identifiers)}_{rng.OneOf("service", "handler", "repo", "client")}.{rng.OneOf("py", "ts", "go")}:{rng.Between(10, 900)} while trying to {rng.Pick(CodeActions)}",
            3 => $"Write a SQL query that returns the top {rng.Between(3, 20)} {rng.Pick(Identifiers)} by {rng.Pick(Fields)} per {rng.Pick(Fields)} for the last {rng.Between(7, 90)} days.",
            4 => $"Write a function in {lang} that {rng.OneOf("retries a request", "parses a date string", "chunks a list", "deduplicates records", "validates an email")} {rng.OneOf("with a timeout", "and logs failures", "without external libraries", "in constant memory")}.",
            5 => $"Why is this {lang} slow with {rng.Between(10, 900)}k {rng.Pick(Identifiers)}?\n```\n{Snippet(rng, lang)}\n```",
            _ => $"Write a regex that matches {rng.OneOf("UK postcodes", "ISO dates", "semantic version numbers", "hex colors", "order ids like ORD-" + rng.Between(1000, 9999))}.",
        };
    }
}
