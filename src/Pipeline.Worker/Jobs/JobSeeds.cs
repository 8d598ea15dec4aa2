using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Contracts;

namespace Pipeline.Worker.Jobs;

/// <summary>The seed of a job that names none.</summary>
public static class JobSeeds
{
    /// <summary>
    /// The first 53 bits of SHA-256(job id): the same job gets the same seed on every worker and every redelivery, so a
    /// retried job reproduces the tokens of an attempt that crashed, and the seed fits <see cref="SubmitJobRules.MaxSeed"/>.
    /// </summary>
    public static long ForJob(string jobId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(jobId), hash);
        return (long)(BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11);
    }
}
