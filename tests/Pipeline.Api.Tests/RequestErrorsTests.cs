using Pipeline.Api.Submission;
using Pipeline.Contracts;

namespace Pipeline.Api.Tests;

public sealed class RequestErrorsTests
{
    [Fact]
    public void Locate_ContractErrorsOfOneJob_EachUnderTheFieldItNames()
    {
        var errors = SubmitJobRules.Validate(new SubmitJob { JobId = "j", Kind = JobKinds.Variation, Steps = 0, Seed = -1, Temperature = 0 });

        var fields = errors.Select(e => RequestErrors.Locate(e).Field).ToHashSet();

        Assert.Superset(new HashSet<string> { "steps", "seed", "temperature", "sourceImageKey" }, fields);
    }

    [Fact]
    public void Locate_BatchItemError_PrefixedWithTheItemAndMessageWithoutIt()
    {
        var (field, message) = RequestErrors.Locate(new ContractError(ContractErrorCodes.StepsOutOfRange, "jobs[3]: steps must be between 1 and 4096; got 0"));

        Assert.Equal("jobs[3].steps", field);
        Assert.StartsWith("steps must", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_DuplicateIdInBatch_NamesTheItemsJobId()
    {
        var (field, _) = RequestErrors.Locate(new ContractError(ContractErrorCodes.InvalidBatch, "jobs[2].jobId 'a' appears twice"));

        Assert.Equal("jobs[2].jobId", field);
    }

    [Fact]
    public void Locate_MaskKeyMalformed_NamesMaskImageKey()
    {
        var (field, _) = RequestErrors.Locate(new ContractError(ContractErrorCodes.InvalidInputKey, "maskImageKey must match ^sha256:[0-9a-f]{64}$"));

        Assert.Equal("maskImageKey", field);
    }

    [Fact]
    public void ToProblem_TwoErrorsOnOneField_BothMessagesAndCodesKept()
    {
        var errors = new RequestErrors();
        errors.Add("steps", "a", "first");
        errors.Add("steps", "b", "second");

        var problem = errors.ToProblem().ProblemDetails;

        Assert.Equal(400, problem.Status);
        Assert.Equal(["first", "second"], problem.Errors["steps"]);
        Assert.Equal(["a", "b"], ((Dictionary<string, string[]>)problem.Extensions["codes"]!)["steps"]);
    }
}
