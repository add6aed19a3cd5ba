using Microsoft.Playwright;

namespace SpatialVlm.Web.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (Playwright's own browser download cannot work on these machines). Without
/// chromium the browser tests fail, saying how to install it.
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("the browser is not started");

    /// <summary>Screenshots go beside the test assembly, under screenshots/.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"chromium is not installed at {ChromiumPath}: install it with `apt-get update && apt-get install -y chromium` (the viewer's browser tests drive Debian's chromium)");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // WebGL without a GPU: ANGLE on SwiftShader.
            Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
        });
    }

    public async Task DisposeAsync()
    {
        if (browser != null) await browser.DisposeAsync();
        playwright?.Dispose();
    }

    /// <summary>A page whose script errors and failed requests are collected, to be asserted empty.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(Uri url)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add("page error: " + e);
        page.Console += (_, m) => { if (m.Type == "error") errors.Add("console: " + m.Text); };
        await page.GotoAsync(url.ToString());
        await Ready(page);
        return (page, errors);
    }

    public static Task Ready(IPage page) => Assertions.Expect(page.Locator("main#app")).ToHaveAttributeAsync("data-ready", "true");
}
