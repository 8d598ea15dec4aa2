using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Pipeline.TestSupport;

/// <summary>
/// A RabbitMQ virtual host of the test's own on the shared broker (<see cref="RabbitMqEnvironment"/>), created over the
/// management API with every permission for the test user and deleted, queues and all, on dispose: a test's queues never
/// meet another run's consumers.
/// </summary>
public sealed class BrokerVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;

    private BrokerVirtualHost(HttpClient management, string name) => (_management, Name) = (management, name);

    /// <summary>The virtual host's name.</summary>
    public string Name { get; }

    /// <summary>The broker's host and AMQP port (from <see cref="RabbitMqEnvironment.Url"/>).</summary>
    public static (string Host, int Port) Endpoint => RabbitMqEnvironment.Url is { } url
        ? (url.Host, url.IsDefaultPort || url.Port < 0 ? 5672 : url.Port)
        : throw new InvalidOperationException($"{RabbitMqEnvironment.Variable} is not set");

    /// <summary>Creates <c>test-&lt;prefix&gt;-&lt;random&gt;</c> and grants the test user everything on it.</summary>
    public static async Task<BrokerVirtualHost> CreateAsync(string prefix)
    {
        var management = new HttpClient
        {
            BaseAddress = RabbitMqEnvironment.ManagementUrl ?? throw new InvalidOperationException($"{RabbitMqEnvironment.ManagementVariable} is not set"),
        };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitMqEnvironment.User}:{RabbitMqEnvironment.Password}")));
        var name = $"test-{prefix}-{Guid.NewGuid():N}";
        var vhost = Uri.EscapeDataString(name);
        using (var created = await management.PutAsync(new Uri($"api/vhosts/{vhost}", UriKind.Relative), JsonContent.Create(new { })))
        {
            created.EnsureSuccessStatusCode();
        }

        using (var granted = await management.PutAsync(new Uri($"api/permissions/{vhost}/{Uri.EscapeDataString(RabbitMqEnvironment.User)}", UriKind.Relative),
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" })))
        {
            granted.EnsureSuccessStatusCode();
        }

        return new BrokerVirtualHost(management, name);
    }

    public async ValueTask DisposeAsync()
    {
        using (await _management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(Name)}", UriKind.Relative)))
        {
        }

        _management.Dispose();
    }
}
