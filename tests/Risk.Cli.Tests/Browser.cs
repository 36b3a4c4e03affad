using Risk.Tests.Shared;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Risk.Cli.Tests;

/// <summary>
/// Debian's headless chromium, driven through its chromium-driver (`apt-get install chromium chromium-driver`; .ci/run
/// installs both). RISK_CHROMIUM and RISK_CHROMEDRIVER name other binaries. Screenshots go to TestResults/console/.
/// </summary>
public sealed class Browser : IDisposable
{
    public static readonly string Screenshots = Path.Combine(Programs.Root, "TestResults", "console");

    private readonly Uri _base;

    public Browser(Uri baseAddress)
    {
        _base = baseAddress;
        var chromium = Environment.GetEnvironmentVariable("RISK_CHROMIUM") ?? "/usr/bin/chromium";
        var driver = Environment.GetEnvironmentVariable("RISK_CHROMEDRIVER") ?? "/usr/bin/chromedriver";
        if (!File.Exists(chromium) || !File.Exists(driver))
            throw new InvalidOperationException($"the console is tested in a real browser: {chromium} and {driver} are needed (apt-get install chromium chromium-driver)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en-US");
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
    }

    public IWebDriver Driver { get; }

    public string Url => Driver.Url;

    public void Go(string path) => Driver.Navigate().GoToUrl(new Uri(_base, path));

    /// <summary>The element, once the page shows it (up to 10 s).</summary>
    public IWebElement Find(string css) =>
        new WebDriverWait(Driver, TimeSpan.FromSeconds(10)).Until(d =>
        {
            // An element found on a page that a script or a navigation then replaced is looked for again.
            try { return d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed); }
            catch (Exception e) when (IsGone(e)) { return null; }
        }) ?? throw new NoSuchElementException(css);

    /// <summary>Clicks a button that submits a form, and waits for the page it brings (up to 30 s).</summary>
    public void Submit(IWebElement button)
    {
        var page = Driver.FindElement(By.TagName("html"));
        button.Click();
        new WebDriverWait(Driver, TimeSpan.FromSeconds(30)).Until(_ =>
        {
            try { return !page.Enabled; }
            catch (Exception e) when (IsGone(e)) { return true; }
        });
    }

    /// <summary>
    /// The element's page was replaced. Chromium says so as a stale element, or, when the new page replaced it between
    /// the driver's lookup of the node and its query, as a node that does not belong to the document.
    /// </summary>
    private static bool IsGone(Exception e) => e is StaleElementReferenceException
        || e is UnknownErrorException && e.Message.Contains("does not belong to the document", StringComparison.Ordinal);

    public IReadOnlyList<IWebElement> All(string css) => Driver.FindElements(By.CssSelector(css));

    public bool Has(string css) => Driver.FindElements(By.CssSelector(css)).Count > 0;

    /// <summary>Waits until the condition holds for the page (up to 10 s).</summary>
    public void Until(Func<IWebDriver, bool> condition, string what)
    {
        try
        {
            new WebDriverWait(Driver, TimeSpan.FromSeconds(10)).Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{what}: not within 10 s, on {Driver.Url}:\n{Driver.FindElement(By.TagName("body")).Text[..Math.Min(3000, Driver.FindElement(By.TagName("body")).Text.Length)]}");
        }
    }

    public void SignIn(string key)
    {
        Go("/console/signin");
        Find("input[name=key]").SendKeys(key);
        Submit(Find("form button[type=submit]"));
    }

    public void Screenshot(string name)
    {
        Directory.CreateDirectory(Screenshots);
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(Path.Combine(Screenshots, name + ".png"));
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
