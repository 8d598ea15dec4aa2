using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.ServiceDefaults.Authentication;

namespace Pipeline.Api.Tests;

/// <summary>
/// The hosts' shared API-key scheme on a stand-in app: the Api's way (<c>X-Api-Key</c> only) and the Scheduler's (Basic
/// with a user name and a key as password accepted too, and asked for in the challenge).
/// </summary>
public sealed class ApiKeyAuthenticationTests
{
    private const string Key = "the-key";

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong", HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData(Key, HttpStatusCode.OK)]
    public async Task ApiKeyOnly_Header_AdmitsOnlyAConfiguredKey(string? key, HttpStatusCode expected)
    {
        await using var server = await StartAsync(basicUser: null);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation(ApiKeyAuthentication.HeaderName, key);
        }

        using var response = await http.GetAsync(new Uri("/who", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("api-key-1", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task ApiKeyOnly_BasicCredentials_NotAccepted()
    {
        await using var server = await StartAsync(basicUser: null);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = Basic($"admin:{Key}");

        using var response = await http.GetAsync(new Uri("/who", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("admin:" + Key, HttpStatusCode.OK)]
    [InlineData("admin:wrong", HttpStatusCode.Unauthorized)]
    [InlineData("other:" + Key, HttpStatusCode.Unauthorized)]
    [InlineData("admin:", HttpStatusCode.Unauthorized)]
    public async Task WithBasic_UserAndKeyAsPassword_AdmittedOnlyWhenBothMatch(string credentials, HttpStatusCode expected)
    {
        await using var server = await StartAsync(basicUser: "admin");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = Basic(credentials);

        using var response = await http.GetAsync(new Uri("/who", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task WithBasic_NoCredentials_ChallengeAsksForBasic()
    {
        await using var server = await StartAsync(basicUser: "admin");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await http.GetAsync(new Uri("/who", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=\"Stand-in\"", challenge.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithBasic_HeaderKey_StillAdmitted()
    {
        await using var server = await StartAsync(basicUser: "admin");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, Key);

        using var response = await http.GetAsync(new Uri("/who", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

    /// <summary>A slim app whose <c>/who</c> needs authentication and answers the user's name; keys "other-key" and <see cref="Key"/>.</summary>
    private static Task<LoopbackServer> StartAsync(string? basicUser)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddOptions<StandInOptions>().Configure(o => o.Keys = ["other-key", Key]);
        builder.Services.AddApiKeyAuthentication<StandInOptions>((auth, host) =>
        {
            auth.ApiKeys = () => host.CurrentValue.Keys;
            auth.BasicUserName = basicUser;
            auth.Realm = "Stand-in";
        });
        return LoopbackServer.StartAsync(builder, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/who", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
        });
    }

    private sealed class StandInOptions
    {
        public List<string> Keys { get; set; } = [];
    }
}
