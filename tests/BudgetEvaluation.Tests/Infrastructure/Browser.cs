using Microsoft.Playwright;

namespace BudgetEvaluation.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium for the whole run, driven by Playwright (its own browser download cannot work here,
/// so it starts the system browser). Each test opens its own context: its own cookies, nothing shared.
/// </summary>
public static class Browser
{
    /// <summary>Where Debian's package installs the browser (.ci/run installs it).</summary>
    public const string Executable = "/usr/bin/chromium";

    private static readonly Lazy<Task<(IPlaywright Playwright, IBrowser Browser)>> Instance = new(StartAsync);

    private static async Task<(IPlaywright, IBrowser)> StartAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"{Executable} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does");
        var playwright = await Playwright.CreateAsync();
        // Playwright adds a fresh, empty --user-data-dir itself. Background networking would only meet the closed network.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        return (playwright, browser);
    }

    /// <summary>A new page at the office screen size the pages are made for, in a context of its own.</summary>
    public static async Task<IPage> NewPageAsync(Uri baseAddress, bool javaScript = true)
    {
        var (_, browser) = await Instance.Value;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            JavaScriptEnabled = javaScript,
        });
        return await context.NewPageAsync();
    }

    /// <summary>A new page signed in with <paramref name="key"/> through the sign-in form, on the dashboard.</summary>
    public static async Task<IPage> SignedInPageAsync(Uri baseAddress, string key, bool javaScript = true)
    {
        var page = await NewPageAsync(baseAddress, javaScript);
        await page.GotoAsync("/");
        await page.FillAsync("#key", key);
        await page.GetByRole(AriaRole.Button, new() { Name = "登 录" }).ClickAsync();
        await Assertions.Expect(page.Locator(".session")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Saves a full-page screenshot under artifacts/screenshots of the repository (git-ignored).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
    }

    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "artifacts", "screenshots")).FullName;

    /// <summary>Closes the browser if this run started it.</summary>
    public static void Stop()
    {
        if (!Instance.IsValueCreated || !Instance.Value.IsCompletedSuccessfully)
            return;
        var (playwright, browser) = Instance.Value.Result;
        browser.CloseAsync().GetAwaiter().GetResult();
        playwright.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BudgetEvaluation.sln")))
                return dir.FullName;
        }
        return AppContext.BaseDirectory;
    }
}
