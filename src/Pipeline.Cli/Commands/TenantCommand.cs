using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>
/// `pipeline tenant key new` and `pipeline tenant key hash`: make an API key for a tenant and print the configuration
/// entry that admits it. Keys are configured as SHA-256 digests only (Pipeline:Tenancy), so the key is shown here once
/// and kept nowhere; nothing is sent to a server.
/// </summary>
internal static class TenantCommand
{
    public static Command Create(CliConsole console)
    {
        var key = new Command("key", "Make API keys for tenants (the configuration keeps only their SHA-256)");
        key.Subcommands.Add(CreateNew(console));
        key.Subcommands.Add(CreateHash(console));
        var command = new Command("tenant", "Tenants of a Pipeline API: their keys (docs/operations.md, \"Tenants and API keys\")");
        command.Subcommands.Add(key);
        return command;
    }

    private static Command CreateNew(CliConsole console)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant (a-z 0-9 -, up to 32 characters), e.g. acme", Required = true };
        var scopes = new Option<string>("--scopes")
        {
            Description = $"Comma-separated scopes: {string.Join(", ", TenantScopes.All)}",
            DefaultValueFactory = _ => string.Join(',', TenantScopes.Client),
        };
        var name = new Option<string?>("--name") { Description = "A label for the key (shown in logs as <tenant>/<name>), e.g. ci" };
        var index = new Option<int>("--index") { Description = "Its position in the tenant's Keys list (for the environment-variable form)", DefaultValueFactory = _ => 0 };
        var command = new Command("new", """
            Make a new random API key for a tenant and print it once, with the configuration entry (its SHA-256) that
            admits it on the Api and the Scheduler. Give the key to the client; put the entry in both hosts' configuration.

            Examples:
              pipeline tenant key new --tenant acme
              pipeline tenant key new --tenant acme --name ci --scopes submit,read --index 1
            """) { tenant, scopes, name, index };
        command.SetAction((r, _) => Guard.RunAsync(console, () =>
        {
            var id = r.GetValue(tenant)!;
            var list = Scopes(r.GetValue(scopes)!);
            if (!TenantIds.IsValid(id))
            {
                throw new UsageException($"'{id}' is not a tenant id: 1 to {TenantIds.MaxLength} characters of a-z 0-9 -, starting with a letter or digit");
            }

            var secret = ApiKeyHashes.NewKey();
            Print(console, id, ApiKeyHashes.Sha256Hex(secret), list, r.GetValue(name), r.GetValue(index), secret);
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command CreateHash(CliConsole console)
    {
        var command = new Command("hash", """
            Print the SHA-256 of a key read from standard input (one line), for configuring a key made elsewhere. Prefer
            `tenant key new`: a key must be random and long (at least 128 bits), since only a fast hash protects it.

            Example:
              printf '%s' "$KEY" | pipeline tenant key hash
            """);
        command.SetAction((_, _) => Guard.RunAsync(console, async () =>
        {
            var line = (await Console.In.ReadLineAsync().ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(line))
            {
                throw new UsageException("give the key on standard input");
            }

            console.Out.WriteLine(ApiKeyHashes.Sha256Hex(line));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static List<string> Scopes(string text)
    {
        var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = list.Where(s => !TenantScopes.IsKnown(s)).ToList();
        if (list.Count == 0 || unknown.Count > 0)
        {
            throw new UsageException($"unknown scope(s) {string.Join(", ", unknown)}: give a comma-separated list of {string.Join(", ", TenantScopes.All)}");
        }

        return list;
    }

    private static void Print(CliConsole console, string tenant, string hash, List<string> scopes, string? name, int index, string secret)
    {
        var prefix = $"Pipeline__Tenancy__Tenants__{tenant}__Keys__{index}__";
        console.Out.WriteLine($"""
            API key for tenant '{tenant}' (shown once; store it in the client's secret store):
              {secret}

            Configuration for the Api and the Scheduler (appsettings.json, under "Pipeline"):
              "Tenancy": {"{"} "Tenants": {"{"} "{tenant}": {"{"} "Keys": [ {"{"} {(name is null ? "" : $"\"Name\": \"{name}\", ")}"Sha256": "{hash}", "Scopes": [ {string.Join(", ", scopes.Select(s => $"\"{s}\""))} ] {"}"} ] {"}"} {"}"} {"}"}

            or as environment variables (.env):
            """);
        if (name is not null)
        {
            console.Out.WriteLine($"  {prefix}Name={name}");
        }

        console.Out.WriteLine($"  {prefix}Sha256={hash}");
        for (var i = 0; i < scopes.Count; i++)
        {
            console.Out.WriteLine($"  {prefix}Scopes__{i}={scopes[i]}");
        }
    }
}
