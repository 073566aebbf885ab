using System.Net;
using BudgetEvaluation.Api;
using BudgetEvaluation.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BudgetEvaluation.Tests;

public class HealthTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Health_MigratedDatabase_Is200WithoutAKey()
    {
        using var client = service.Client(null);

        var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal((int?)body["migrationsExpected"], (int?)body["migrationsApplied"]);
    }

    [Fact]
    public async Task Health_DatabaseWithoutMigrations_Is503NamingThePendingScript()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var result = await HealthApi.CheckAsync(dataSource, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal(503, problem.StatusCode);
        Assert.Contains("0001_initial.sql", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task Health_DatabaseUnreachable_Is503()
    {
        // Port 1 on loopback: nothing listens there.
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2");

        var result = await HealthApi.CheckAsync(dataSource, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(result.Result);
        Assert.Equal(503, problem.StatusCode);
        Assert.StartsWith("无法连接数据库", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task OpenApiDocument_IsServedWithTheApiKeyScheme()
    {
        using var client = service.Client(null);

        var document = await Json.ReadAsync(await client.GetAsync("/openapi/v1.json"));

        Assert.Equal("X-Api-Key", (string?)document["components"]!["securitySchemes"]!["ApiKey"]!["name"]);
        Assert.NotNull(document["paths"]!["/api/targets"]!["post"]);
        Assert.NotNull(document["paths"]!["/api/projects/{id}"]!["get"]);
    }

    [Fact]
    public async Task ApiReferenceUi_IsServedWithoutAKey()
    {
        using var client = service.Client(null);

        var response = await client.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
