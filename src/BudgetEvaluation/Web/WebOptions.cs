namespace BudgetEvaluation.Web;

/// <summary>Settings of the web pages: section <c>BudgetEvaluation:Web</c> (<c>BudgetEvaluation__Web__SignInPermitLimit</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "BudgetEvaluation:Web";

    /// <summary>Sign-in attempts (form posts) one client address may make per <see cref="SignInWindow"/>; more get 429.</summary>
    public int SignInPermitLimit { get; set; } = 10;

    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
}
