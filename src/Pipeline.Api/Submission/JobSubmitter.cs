using MassTransit;
using Microsoft.Extensions.Options;
using Pipeline.Api.Hosting;
using Pipeline.Api.Validation;
using Pipeline.Contracts;
using Pipeline.Messaging;
using Pipeline.Storage;
using Pipeline.Storage.Tenancy;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Submission;

/// <summary>
/// Turns requests into <see cref="SubmitJob"/> messages (inline images uploaded to the input store first), records each
/// job as queued, then sends it to the job queue with its class's AMQP priority (<see cref="JobSubmission"/>, shared with
/// the worker's batch fan-out). Recording first means a job the API acknowledged is always visible; a send that fails
/// leaves it queued, and the client's retry (same id) sends it again. A newly recorded job is counted in
/// <see cref="JobSubmissionMetrics"/>.
/// </summary>
public sealed class JobSubmitter(IJobStore jobs, ImageIntake intake, ITenantStore tenants, ISendEndpointProvider sendEndpoints, IOptions<ApiOptions> options,
    TimeProvider time, JobSubmissionMetrics metrics)
{
    private readonly Dictionary<(string Base64, ImageRole Role), string> _inline = [];

    /// <summary>
    /// The message for <paramref name="tenant"/>'s <paramref name="request"/> (<paramref name="jobId"/> and
    /// <paramref name="batchId"/> are stored ids, <see cref="TenantIds"/>), or null with <paramref name="errors"/> filled.
    /// Inline images are decoded at the door and uploaded for the tenant; an input given by key must be one the tenant uploaded.
    /// </summary>
    public async Task<SubmitJob?> ToMessageAsync(string tenant, JobRequest request, string jobId, string? batchId, RequestErrors errors,
        string fieldPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        var sourceKey = await InlineAsync(tenant, request.SourceImage, request.SourceImageKey, "sourceImage", ImageRole.Source, errors, fieldPrefix, cancellationToken)
            .ConfigureAwait(false);
        var maskKey = await InlineAsync(tenant, request.MaskImage, request.MaskImageKey, "maskImage", ImageRole.Mask, errors, fieldPrefix, cancellationToken)
            .ConfigureAwait(false);
        var secondKey = await InlineAsync(tenant, request.SecondImage, request.SecondImageKey, "secondImage", ImageRole.Source, errors, fieldPrefix, cancellationToken)
            .ConfigureAwait(false);
        if (request.Kind is null)
        {
            errors.Add(fieldPrefix + "kind", ContractErrorCodes.UnknownKind, $"kind is required: one of {string.Join(", ", JobKinds.All)}");
        }

        var message = new SubmitJob
        {
            JobId = jobId,
            Kind = request.Kind ?? "",
            BatchId = batchId,
            ModelPack = request.ModelPack,
            Seed = request.Seed,
            Priority = request.Priority ?? JobPriorities.Standard,
            Steps = request.Steps,
            Order = request.Order,
            Temperature = request.Temperature,
            TopK = request.TopK,
            Strength = request.Strength,
            SourceImageKey = sourceKey,
            MaskImageKey = maskKey,
            MaskRectangles = request.MaskRectangles,
            FeatherPixels = request.FeatherPixels,
            Width = request.Width,
            Height = request.Height,
            Stride = request.Stride,
            Extend = request.Extend,
            SecondImageKey = secondKey,
            JoinPixels = request.JoinPixels,
            Vertical = request.Vertical,
            CallbackUrl = request.CallbackUrl,
            SubmittedAt = time.GetUtcNow(),
        };
        if (request.Kind is not null)
        {
            // An inline image refused at the door already has its error; "missing" on top of it would only confuse.
            var refused = (Source: request.SourceImage is not null && sourceKey is null, Mask: request.MaskImage is not null && maskKey is null);
            errors.AddContractErrors(SubmitJobRules.Validate(message).Where(e =>
                !(refused.Source && e.Code == ContractErrorCodes.MissingSourceImage) && !(refused.Mask && e.Code == ContractErrorCodes.MissingMask)), fieldPrefix);
        }

        // The fields are right; now what the images hold: keys that name nothing, a mask that does not fit its source.
        if (errors.IsEmpty)
        {
            await intake.CheckJobInputsAsync(message, fieldPrefix, errors, cancellationToken).ConfigureAwait(false);
        }

        return errors.IsEmpty ? message : null;
    }

    /// <summary>
    /// Records the job unless its id exists, and sends it when it is new or still queued, with its class's AMQP priority
    /// (<see cref="JobSubmission"/>: the rule the worker's batch fan-out shares). An id recorded with a different request
    /// comes back as a conflict, unsent.
    /// </summary>
    public async Task<JobSubmissionResult> SubmitAsync(SubmitJob message, CancellationToken cancellationToken)
    {
        var submission = await JobSubmission.RecordAndSendAsync(jobs, message,
            (job, token) => WithinSendTimeoutAsync(timeout => sendEndpoints.SendJobAsync(job, timeout), token), cancellationToken).ConfigureAwait(false);
        if (submission.Created)
        {
            metrics.Submitted(message);
        }

        return submission;
    }

    /// <summary>Sends <paramref name="message"/> to the cancel queue.</summary>
    public Task CancelAsync(CancelJob message, CancellationToken cancellationToken) =>
        WithinSendTimeoutAsync(async timeout =>
        {
            var endpoint = await sendEndpoints.GetSendEndpoint(PipelineAddresses.Cancel).ConfigureAwait(false);
            await endpoint.Send(message, context => context.SetPriority(JobPriorities.ToAmqpPriority(null)), timeout).ConfigureAwait(false);
        }, cancellationToken);

    private async Task WithinSendTimeoutAsync(Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            await send(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BrokerUnavailableException($"the message broker did not accept the message within {options.Value.SendTimeout.TotalSeconds:0} s", e);
        }
    }

    private async Task<string?> InlineAsync(string tenant, string? base64, string? key, string field, ImageRole role, RequestErrors errors, string fieldPrefix,
        CancellationToken cancellationToken)
    {
        if (base64 is null)
        {
            // A malformed key is left to the contract rules; a well-formed one must be this tenant's upload.
            if (InputKeys.IsValid(key) && !await tenants.HasInputAsync(tenant, key!, cancellationToken).ConfigureAwait(false))
            {
                errors.Add(fieldPrefix + field + "Key", ContractErrorCodes.InputNotFound,
                    $"{field}Key '{key}' is not an input of this tenant: upload the image first (POST /v1/inputs) and use the key it returns");
            }

            return key;
        }

        if (key is not null)
        {
            errors.Add(fieldPrefix + field, ContractErrorCodes.InvalidInputKey, $"give {field} or {field}Key, not both");
            return null;
        }

        // A batch often repeats one inline image: decode and store it once per request.
        if (_inline.TryGetValue((base64, role), out var known))
        {
            return known;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            errors.Add(fieldPrefix + field, "invalid_base64", $"{field} must be base64 (RFC 4648, with padding)");
            return null;
        }

        var accepted = await intake.AcceptAsync(tenant, bytes, role, fieldPrefix + field, errors, cancellationToken).ConfigureAwait(false);
        if (accepted is not null)
        {
            _inline[(base64, role)] = accepted;
        }

        return accepted;
    }
}

/// <summary>The broker did not take a message in time: the API answers 503 and the client retries with the same id.</summary>
public sealed class BrokerUnavailableException(string message, Exception inner) : Exception(message, inner);
