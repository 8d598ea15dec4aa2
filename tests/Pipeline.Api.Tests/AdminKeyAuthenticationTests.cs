using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.ServiceDefaults.Authentication;

namespace Pipeline.Api.Tests;

/// <summary>The shared scheme's admin keys on a stand-in app: the admin role only for them, over the header and over Basic.</summary>
public sealed class AdminKeyAuthenticationTests
{
    private const string Key = "plain-key";
    private const string AdminKey = "admin-key";

    [Theory]
    [InlineData(Key, "/who", HttpStatusCode.OK, "api-key-0")]
    [InlineData(AdminKey, "/who", HttpStatusCode.OK, "admin-key-0")]
    [InlineData(AdminKey, "/admin", HttpStatusCode.OK, "admin-key-0")]
    [InlineData(Key, "/admin", HttpStatusCode.Forbidden, null)]
    [InlineData(null, "/admin", HttpStatusCode.Unauthorized, null)]
    public async Task Header_PlainOrAdminKey_AdminPolicyOnlyForAdminKeys(string? key, string path, HttpStatusCode expected, string? name)
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add(ApiKeyAuthentication.HeaderName, key);
        }

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        if (name is not null)
        {
            Assert.Equal(name, await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData(AdminKey, HttpStatusCode.OK)]
    [InlineData(Key, HttpStatusCode.Forbidden)]
    public async Task Basic_KeyAsPassword_AdminPolicyOnlyForAnAdminKey(string key, HttpStatusCode expected)
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"ops:{key}")));

        using var response = await http.GetAsync(new Uri("/admin", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>A slim app: <c>/who</c> needs any key, <c>/admin</c> the admin policy; both answer the user's name.</summary>
    private static Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddApiKeyAuthentication<object>((auth, _) =>
        {
            auth.ApiKeys = () => [Key];
            auth.AdminKeys = () => [AdminKey];
            auth.BasicUserName = "ops";
        });
        return LoopbackServer.StartAsync(builder, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/who", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
            app.MapGet("/admin", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        });
    }
}
