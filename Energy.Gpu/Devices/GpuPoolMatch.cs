using System.Text.RegularExpressions;
using Energy.Contracts.Sites;

namespace Energy.Gpu.Devices;

/// <summary>
/// Which site pool a real GPU belongs to: the first pool whose gpuModel names the same chip as the
/// device (the first word with a digit in it: "H100 SXM" and "NVIDIA H100 80GB HBM3" both say h100),
/// else the first pool.
/// </summary>
public static partial class GpuPoolMatch
{
    public static (GpuPool Pool, string Why) For(Site site, string deviceName)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(deviceName);
        if (site.Pools.Count == 0)
        {
            throw new ArgumentException($"Site '{site.Name}' has no GPU pool to put {deviceName} in.", nameof(site));
        }

        foreach (var pool in site.Pools)
        {
            if (Matches(pool.GpuModel, deviceName))
            {
                return (pool, $"its gpuModel '{pool.GpuModel}' matches");
            }
        }

        var first = site.Pools[0];
        return (first, $"no pool's gpuModel matches '{deviceName}'; the first pool, '{first.Name}' ({first.GpuModel}), takes it");
    }

    /// <summary>True when both name the same chip, or every word of the model is in the device name.</summary>
    public static bool Matches(string gpuModel, string deviceName)
    {
        ArgumentNullException.ThrowIfNull(gpuModel);
        ArgumentNullException.ThrowIfNull(deviceName);
        var model = Words(gpuModel);
        var device = Words(deviceName);
        if (model.Count == 0)
        {
            return false;
        }

        var chip = model.FirstOrDefault(w => w.Any(char.IsAsciiDigit));
        return chip is not null ? device.Contains(chip) : model.All(device.Contains);
    }

    private static List<string> Words(string name) =>
        [.. WordPattern().Matches(name.ToLowerInvariant()).Select(m => m.Value).Where(w => w is not ("nvidia" or "tesla" or "geforce"))];

    [GeneratedRegex("[a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
