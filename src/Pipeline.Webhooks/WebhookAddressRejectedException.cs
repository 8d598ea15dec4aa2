namespace Pipeline.Webhooks;

/// <summary>A callback URL points at a non-public address while <see cref="WebhookOptions.AllowPrivateNetworks"/> is false. Never retried.</summary>
public sealed class WebhookAddressRejectedException(string message) : IOException(message);
