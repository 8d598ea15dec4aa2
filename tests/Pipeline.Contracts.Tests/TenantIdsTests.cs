namespace Pipeline.Contracts.Tests;

/// <summary>How tenants' ids are stored: qualified for tenants, plain for the default one, and never confusable.</summary>
public sealed class TenantIdsTests
{
    [Theory]
    [InlineData("default", "a", "a")]
    [InlineData("acme", "a", "acme..a")]
    [InlineData("acme", "batch-1.0", "acme..batch-1.0")]
    public void TryQualify_StoredIdIsAValidJobIdAndSplitsBack(string tenant, string clientId, string stored)
    {
        Assert.Equal(stored, TenantIds.TryQualify(tenant, clientId, out var problem));
        Assert.Null(problem);
        Assert.True(JobIds.IsValid(stored));
        Assert.Equal((tenant, clientId), (TenantIds.TenantOf(stored), TenantIds.ClientIdOf(stored)));
    }

    [Theory]
    [InlineData("default", "acme..a", "may not contain")]
    [InlineData("acme", "x..y", "may not contain")]
    [InlineData("acme", "../etc", "must match")]
    [InlineData("default", "", "must match")]
    public void TryQualify_IdsThatCouldNameAnotherTenantOrAPath_Refused(string tenant, string clientId, string problem)
    {
        Assert.Null(TenantIds.TryQualify(tenant, clientId, out var reason));
        Assert.Contains(problem, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryQualify_LongestClientIdStillFitsTheStoredIdRule()
    {
        var longest = new string('a', TenantIds.MaxClientIdLength("acme"));

        Assert.True(JobIds.IsValid(TenantIds.TryQualify("acme", longest, out _)));
        Assert.Null(TenantIds.TryQualify("acme", longest + "a", out var problem));
        Assert.Contains("at most 122 characters", problem, StringComparison.Ordinal);
        Assert.NotNull(TenantIds.TryQualify(TenantIds.Default, new string('a', JobIds.MaxLength), out _));
    }

    [Theory]
    [InlineData("acme", true)]
    [InlineData("a-1", true)]
    [InlineData("Acme", false)]
    [InlineData("-acme", false)]
    [InlineData("ac.me", false)]
    [InlineData("", false)]
    public void IsValid_LowercaseLettersDigitsAndDashes(string tenant, bool valid) => Assert.Equal(valid, TenantIds.IsValid(tenant));
}
