using System.CommandLine;
using System.Globalization;
using BudgetEvaluation.Data;
using Npgsql;

namespace BudgetEvaluation.Commands;

/// <summary><c>budgeteval keys create|list|revoke</c>: API keys in the configured database.</summary>
public static class KeysCommand
{
    public static Command Create() => new("keys", "管理 API 密钥（数据库中只保存密钥的 SHA-256 哈希）")
    {
        CreateKey(),
        ListKeys(),
        RevokeKey(),
    };

    private static Command CreateKey()
    {
        var role = new Option<string>("--role") { Description = "角色：finance（财政局）、department（主管部门）或 auditor（审计，只读）", Required = true };
        role.AcceptOnlyFromAmong(Roles.All);
        var department = new Option<string?>("--department") { Description = "主管部门名称（department 角色必填），例如 南通市科学技术局" };
        var name = new Option<string>("--name") { Description = "备注，例如使用者", DefaultValueFactory = _ => "" };
        var command = new Command("create", "创建 API 密钥；密钥只在此时显示一次（输出到标准输出，说明输出到标准错误）") { role, department, name };
        command.SetAction((parse, cancellationToken) => WithStoreAsync(async store =>
        {
            try
            {
                var (record, key) = await store.CreateAsync(parse.GetValue(role)!, parse.GetValue(department), parse.GetValue(name)!, Actor.CommandLine, cancellationToken);
                var scope = record.Department is null ? "" : $"，{record.Department}";
                await Console.Error.WriteLineAsync($"已创建 API 密钥 #{record.Id}（{record.Role}{scope}）。密钥只显示这一次，请妥善保存：");
                Console.WriteLine(key);
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"错误：{e.Message.Split(" (Parameter")[0]}");
                return 2;
            }
        }));
        return command;
    }

    private static Command ListKeys()
    {
        var command = new Command("list", "列出 API 密钥（不显示密钥本身）");
        command.SetAction((_, cancellationToken) => WithStoreAsync(async store =>
        {
            var keys = await store.ListAsync(cancellationToken);
            Console.WriteLine("编号\t角色\t主管部门\t备注\t创建时间（UTC）\t创建者\t状态");
            foreach (var k in keys)
            {
                var status = k.RevokedAt is { } revoked ? $"已吊销 {revoked.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}" : "有效";
                Console.WriteLine($"{k.Id}\t{k.Role}\t{k.Department ?? "-"}\t{(k.Name.Length == 0 ? "-" : k.Name)}\t{k.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}\t{k.CreatedBy}\t{status}");
            }
            return 0;
        }));
        return command;
    }

    private static Command RevokeKey()
    {
        var id = new Argument<long>("id") { Description = "密钥编号（见 keys list）" };
        var command = new Command("revoke", "吊销 API 密钥") { id };
        command.SetAction((parse, cancellationToken) => WithStoreAsync(async store =>
        {
            var keyId = parse.GetValue(id);
            if (!await store.RevokeAsync(keyId, Actor.CommandLine, cancellationToken))
            {
                await Console.Error.WriteLineAsync($"错误：没有编号为 {keyId} 的有效密钥");
                return 1;
            }
            Console.WriteLine($"已吊销 API 密钥 #{keyId}");
            return 0;
        }));
        return command;
    }

    private static async Task<int> WithStoreAsync(Func<ApiKeyStore, Task<int>> action)
    {
        try
        {
            await using var dataSource = await CommandDatabase.OpenMigratedAsync();
            if (dataSource is null)
                return 2;
            return await action(new ApiKeyStore(dataSource));
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"错误：数据库操作失败：{e.Message}");
            return 1;
        }
    }
}
