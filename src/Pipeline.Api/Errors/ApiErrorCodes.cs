namespace Pipeline.Api.Errors;

/// <summary>
/// The <c>code</c> of a problem answer that is not about one field: the request as a whole could not be taken. Field
/// problems carry <see cref="Pipeline.Contracts.ContractErrorCodes"/> (and the input store's) in <c>codes</c>.
/// </summary>
public static class ApiErrorCodes
{
    /// <summary>413: the body is over <c>Pipeline:Api:MaxRequestBodyBytes</c> (JSON, octet-stream or multipart alike).</summary>
    public const string RequestTooLarge = "request_too_large";

    /// <summary>400: the body could not be read as what its content type says (cut short, a broken multipart).</summary>
    public const string MalformedRequest = "malformed_request";

    /// <summary>503: PostgreSQL (the job store) cannot be reached or timed out; retry after <c>Retry-After</c> seconds.</summary>
    public const string StoreUnavailable = "store_unavailable";

    /// <summary>503: RabbitMQ did not take the message in time; the job is recorded, retry with the same id.</summary>
    public const string BrokerUnavailable = "broker_unavailable";

    /// <summary>503: the process's image decode budget stayed full for its whole wait; retry after <c>Retry-After</c> seconds.</summary>
    public const string DecoderBusy = "decoder_busy";

    /// <summary>500: a fault of the service, logged with the answer's <c>traceId</c>; the body says nothing more.</summary>
    public const string InternalError = "internal_error";
}
