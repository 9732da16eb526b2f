using Energy.Gpu.Cuda;
using Energy.Gpu.Interop;
using Energy.Gpu.Tests.Interop;

namespace Energy.Gpu.Tests.Cuda;

public class CudaContextTests
{
    private static (FakeCudaDriverApi Api, CudaContext Context) Retain()
    {
        var api = new FakeCudaDriverApi();
        var runtime = CudaRuntime.Open(api);
        return (api, runtime.RetainPrimaryContext(runtime.Devices[0]));
    }

    [Fact]
    public void RetainPrimary_RetainsAndMakesCurrent_DisposeReleasesOnce()
    {
        var (api, context) = Retain();

        Assert.Equal(1, api.PrimaryRetains);
        Assert.Equal(api.PrimaryContext, api.CurrentContext);
        Assert.Equal(api.PrimaryContext, context.Handle);

        context.Dispose();
        context.Dispose();

        Assert.Equal(0, api.PrimaryRetains);
        Assert.Throws<ObjectDisposedException>(context.MakeCurrent);
    }

    [Fact]
    public void MakeCurrent_CallsCtxSetCurrentEachTime()
    {
        var (api, context) = Retain();

        var worker = new Thread(context.MakeCurrent);
        worker.Start();
        worker.Join();

        Assert.Equal(2, api.Calls.Count(c => c == "cuCtxSetCurrent"));
    }

    [Fact]
    public void DeviceBuffer_RoundTripsTypedValues()
    {
        var (api, context) = Retain();
        float[] values = [1.5f, -2f, 3.25f, 1e-3f];

        using var buffer = context.Allocate<float>(values.Length);
        buffer.CopyFrom(values);
        var back = new float[values.Length];
        buffer.CopyTo(back);

        Assert.Equal(16, buffer.SizeInBytes);
        Assert.Equal(16, api.Memory[buffer.DevicePointer].Length);
        Assert.Equal(values, back);
    }

    [Fact]
    public void DeviceBuffer_Clear_ZeroesEveryByte()
    {
        var (_, context) = Retain();
        using var buffer = context.Allocate<int>(3);
        buffer.CopyFrom([7, 8, 9]);

        buffer.Clear();

        var back = new int[3];
        buffer.CopyTo(back);
        Assert.Equal([0, 0, 0], back);
    }

    [Fact]
    public void DeviceBuffer_SpanLongerThanBuffer_Throws()
    {
        var (api, context) = Retain();
        using var buffer = context.Allocate<ulong>(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.CopyFrom([1, 2, 3]));
        Assert.DoesNotContain("cuMemcpyHtoD_v2", api.Calls);
    }

    [Fact]
    public void DeviceBuffer_Dispose_FreesOnceAndForgetsThePointer()
    {
        var (api, context) = Retain();
        var buffer = context.Allocate<byte>(100);
        var pointer = buffer.DevicePointer;

        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal([pointer], api.Freed);
        Assert.Throws<ObjectDisposedException>(() => buffer.DevicePointer);
    }

    [Fact]
    public void Allocate_OutOfMemory_ThrowsCudaExceptionWithDriverText()
    {
        var (api, context) = Retain();
        api.Codes["cuMemAlloc_v2"] = CuResult.OutOfMemory;

        var ex = Assert.Throws<CudaException>(() => context.Allocate<float>(1 << 20));

        Assert.Equal("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", ex.Message);
    }

    [Fact]
    public void EnqueuedCopies_GoOnTheGivenStream()
    {
        var (api, context) = Retain();
        using var stream = context.CreateStream();
        using var buffer = context.Allocate<short>(2);

        buffer.EnqueueCopyFrom([3, 4], stream);
        var back = new short[2];
        buffer.EnqueueCopyTo(back, stream);

        Assert.Equal([stream.Handle, stream.Handle], api.StreamsUsed);
        Assert.Equal([3, 4], back);
        Assert.Equal(1u, api.LastStreamFlags);
    }

    [Theory]
    [InlineData(CuResult.Success, true)]
    [InlineData(CuResult.NotReady, false)]
    public void Stream_IsComplete_MapsQueryResult(CuResult code, bool expected)
    {
        var (api, context) = Retain();
        using var stream = context.CreateStream(nonBlocking: false);
        api.Codes["cuStreamQuery"] = code;

        Assert.Equal(expected, stream.IsComplete);
        Assert.Equal(0u, api.LastStreamFlags);
    }

    [Fact]
    public void Stream_IsComplete_EarlierLaunchFailed_Throws()
    {
        var (api, context) = Retain();
        using var stream = context.CreateStream();
        api.Codes["cuStreamQuery"] = CuResult.IllegalAddress;

        Assert.Equal(CuResult.IllegalAddress, Assert.Throws<CudaException>(() => stream.IsComplete).Code);
    }

    [Fact]
    public void Event_Elapsed_IsTheDriversMilliseconds()
    {
        var (api, context) = Retain();
        using var stream = context.CreateStream();
        using var start = context.CreateEvent(blockingSync: true);
        using var end = context.CreateEvent();
        start.Record(stream);
        end.Record(stream);
        end.Synchronize();

        var elapsed = CudaEvent.Elapsed(start, end);

        Assert.Equal(TimeSpan.FromMilliseconds(12.5), elapsed);
        Assert.Contains("cuEventElapsedTime_v2", api.Calls);
        Assert.Equal([stream.Handle, stream.Handle], api.StreamsUsed);
    }

    [Fact]
    public void Event_Record_NoStream_UsesTheLegacyDefaultStream()
    {
        var (api, context) = Retain();
        using var cuEvent = context.CreateEvent();

        cuEvent.Record();

        Assert.Equal([(nint)0], api.StreamsUsed);
        Assert.Equal(0u, api.LastEventFlags);
    }
}
