using System.Text.RegularExpressions;
using Energy.Gpu.Kernels;
using Energy.Gpu.Mining;

namespace Energy.Gpu.Tests.Kernels;

public partial class KernelSourceTests
{
    [Fact]
    public void Names_ListTheEmbeddedSha256dKernel()
    {
        Assert.Contains(KernelSource.Sha256d, KernelSource.Names);
    }

    [Fact]
    public void Read_Sha256d_IsTheRepositoryFile()
    {
        var embedded = KernelSource.Read(KernelSource.Sha256d);

        Assert.Equal(File.ReadAllText(Path.Combine(TestSupport.RepoPaths.Root, "Energy.Gpu", "Kernels", "sha256d.cu")), embedded);
    }

    [Fact]
    public void Read_Pouw_IsTheRepositoryFile()
    {
        var embedded = KernelSource.Read(KernelSource.Pouw);

        Assert.Contains(KernelSource.Pouw, KernelSource.Names);
        Assert.Equal(File.ReadAllText(Path.Combine(TestSupport.RepoPaths.Root, "Energy.Gpu", "Kernels", "pouw.cu")), embedded);
    }

    [Fact]
    public void PouwKernel_IsAsciiAndDeclaresItsEntryPointsExternC()
    {
        var source = KernelSource.Read(KernelSource.Pouw);

        Assert.All(source, c => Assert.InRange(c, '\0', '\x7f'));
        Assert.Contains("extern \"C\"", source, StringComparison.Ordinal);
        foreach (var entry in new[] { "pouw_noise", "pouw_project", "pouw_mine" })
        {
            Assert.Contains("__global__ void " + entry + "(", source, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_UnknownKernel_ThrowsNamingTheEmbeddedOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelSource.Read("nope.cu"));

        Assert.Contains(KernelSource.Sha256d, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256dKernel_DeclaresTheParametersInTheOrderTheHostPacksThem()
    {
        var source = KernelSource.Read(KernelSource.Sha256d);

        var signature = KernelSignature().Match(source);
        var declared = signature.Groups["parameters"].Value
            .Split(',')
            .Select(p => p.Trim().Split(' ', '*')[^1])
            .ToList();

        Assert.True(signature.Success);
        Assert.Equal([.. Sha256dKernelParameters.WordNames, .. Sha256dKernelParameters.LaunchArgumentNames], declared);
        Assert.Equal(Sha256dKernelParameters.WordCount, Sha256dKernelParameters.WordNames.Count);
        Assert.Contains($"#define SHA256D_WORD_ARGUMENTS {Sha256dKernelParameters.WordCount}\n", source, StringComparison.Ordinal);
        Assert.Contains("extern \"C\"", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256dKernel_IsAscii()
    {
        // NVRTC gets the text as bytes; plain ASCII leaves no doubt about its encoding.
        Assert.All(KernelSource.Read(KernelSource.Sha256d), c => Assert.InRange(c, '\0', '\x7f'));
    }

    [GeneratedRegex(@"__global__ void " + Sha256dKernelParameters.KernelName + @"\((?<parameters>[^)]*)\)")]
    private static partial Regex KernelSignature();
}
