using Pipeline.Contracts;
using System.Net;
using Microsoft.Extensions.Options;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Api.Tests;

/// <summary>Tenant keys are configured as SHA-256 digests only: what the validator accepts and refuses, and the hash helper.</summary>
public sealed class TenantKeyTests
{
    [Fact]
    public void Sha256Hex_KnownVector()
    {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyHashes.Sha256Hex("abc"));
    }

    [Fact]
    public void NewKey_RandomWithPrefix_HashIsWhatConfigurationHolds()
    {
        var (one, two) = (ApiKeyHashes.NewKey(), ApiKeyHashes.NewKey());

        Assert.NotEqual(one, two);
        Assert.StartsWith("pk_", one, StringComparison.Ordinal);
        Assert.True(one.Length >= 40, one);
        Assert.True(ApiKeyHashes.IsSha256Hex(ApiKeyHashes.Sha256Hex(one)));
    }

    [Fact]
    public void Validate_PlainKeyInsteadOfItsHash_BadTenantIdUnknownScopeAndDuplicates_Refused()
    {
        var hash = ApiKeyHashes.Sha256Hex("pk_x");
        var options = new TenancyOptions
        {
            Tenants = new(StringComparer.Ordinal)
            {
                ["acme"] = new() { Keys = [new() { Sha256 = "pk_x" }, new() { Sha256 = hash, Scopes = ["write"] }] },
                ["Bad_Tenant"] = new() { Keys = [new() { Sha256 = hash }] },
                ["globex"] = new() { MaxInFlightJobs = -1 },
            },
        };

        var result = new TenancyOptionsValidator().Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.Contains("acme:Keys:0:Sha256 must be the key's SHA-256", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("unknown scope 'write'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Bad_Tenant: a tenant id must match", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("the same key is configured twice", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("globex: RequestsPerSecond, Burst and MaxInFlightJobs are 0 (off) or more", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyConfiguredOnlyAsItsHash_Authenticates_TheHashItselfDoesNot()
    {
        const string key = "pk_only-hashed";
        var hash = ApiKeyHashes.Sha256Hex(key);
        await using var api = await InMemoryApi.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Pipeline:Tenancy:Tenants:acme:Keys:0:Sha256"] = hash,
        });
        using var withKey = api.CreateHttp(key);
        using var withHash = api.CreateHttp(hash);

        Assert.Equal(HttpStatusCode.NotFound, (await withKey.GetAsync(new Uri("/v1/jobs/x", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withHash.GetAsync(new Uri("/v1/jobs/x", UriKind.Relative))).StatusCode);
    }
}
