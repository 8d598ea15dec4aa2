using System.Security.Cryptography;
using Pipeline.Storage.Inputs;

namespace Pipeline.Storage.Tests;

public sealed class InputStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FileSystemInputStore _store;

    public InputStoreTests() => _store = new FileSystemInputStore(_folder.Options(maxInputBytes: 1000));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task PutAsync_SameBytesTwice_OneCopyUnderItsSha256()
    {
        var bytes = RandomNumberGenerator.GetBytes(700);
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var first = await _store.PutAsync(new MemoryStream(bytes));
        var second = await _store.PutAsync(new MemoryStream(bytes));

        Assert.Equal("sha256:" + hex, first.Key);
        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Key, second.Key);
        Assert.Equal(700, second.Length);
        Assert.Equal([$"store/inputs/sha256/{hex[..2]}/{hex}"], _folder.Files());
        Assert.Equal(bytes, await _store.ReadAsync(first.Key));
        Assert.True(await _store.ExistsAsync(first.Key));
    }

    [Fact]
    public async Task PutAsync_OverTheLimit_RejectedAndNothingKept()
    {
        var error = await Assert.ThrowsAsync<StorageInputException>(() => _store.PutAsync(new MemoryStream(new byte[1001])));

        Assert.Equal(StorageInputException.InputTooLarge, error.Code);
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public async Task PutAsync_ExactlyTheLimit_Accepted()
    {
        var stored = await _store.PutAsync(new MemoryStream(new byte[1000]));

        Assert.Equal(1000, stored.Length);
    }

    [Fact]
    public async Task PutAsync_Empty_Rejected()
    {
        var error = await Assert.ThrowsAsync<StorageInputException>(() => _store.PutAsync(new MemoryStream()));

        Assert.Equal(StorageInputException.InputEmpty, error.Code);
        Assert.Empty(_folder.Files());
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    [InlineData("/etc/passwd")]
    [InlineData("https://example.com/cat.png")]
    [InlineData("")]
    public async Task ReadAsync_MalformedKey_Rejected(string key)
    {
        var error = await Assert.ThrowsAsync<StorageInputException>(() => _store.ReadAsync(key));

        Assert.Equal(StorageInputException.InvalidInputKey, error.Code);
        await Assert.ThrowsAsync<StorageInputException>(() => _store.OpenReadAsync(key));
        await Assert.ThrowsAsync<StorageInputException>(() => _store.ExistsAsync(key));
    }

    [Fact]
    public async Task ReadAsync_UnknownKey_ReturnsNull()
    {
        var key = "sha256:" + new string('0', 64);

        Assert.Null(await _store.ReadAsync(key));
        Assert.Null(await _store.OpenReadAsync(key));
        Assert.False(await _store.ExistsAsync(key));
    }
}
