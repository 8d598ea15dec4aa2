using System.Text.RegularExpressions;
using Pipeline.Contracts;

namespace Pipeline.Cli.Tests;

/// <summary>`pipeline tenant key new`: a random key printed once with the configuration entry holding only its SHA-256.</summary>
public sealed partial class TenantCommandTests
{
    [Fact]
    public async Task KeyNew_PrintsKeyAndItsHashInBothConfigurationForms()
    {
        var run = await Cli.RunAsync("tenant", "key", "new", "--tenant", "acme", "--name", "ci", "--scopes", "submit,read", "--index", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        var key = KeyLine().Match(run.Out).Groups[1].Value;
        var hash = ApiKeyHashes.Sha256Hex(key);
        Assert.StartsWith("pk_", key, StringComparison.Ordinal);
        Assert.Contains($"\"Sha256\": \"{hash}\", \"Scopes\": [ \"submit\", \"read\" ]", run.Out, StringComparison.Ordinal);
        Assert.Contains($"Pipeline__Tenancy__Tenants__acme__Keys__2__Sha256={hash}", run.Out, StringComparison.Ordinal);
        Assert.Contains("Pipeline__Tenancy__Tenants__acme__Keys__2__Scopes__1=read", run.Out, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(run.Out, Regex.Escape(key)));
    }

    [Theory]
    [InlineData("--tenant", "Acme", "not a tenant id")]
    [InlineData("--scopes", "submit,write", "unknown scope(s) write")]
    public async Task KeyNew_BadTenantOrScope_Exit2NamingIt(string option, string value, string message)
    {
        string[] args = option == "--tenant" ? ["tenant", "key", "new", option, value] : ["tenant", "key", "new", "--tenant", "acme", option, value];

        var run = await Cli.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+(pk_[A-Za-z0-9_-]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
