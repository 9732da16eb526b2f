namespace Energy.Gpu.Interop;

/// <summary><c>nvrtcResult</c> (nvrtc.h, CUDA 13): the code every NVRTC call returns.</summary>
public enum NvrtcResult
{
    Success = 0,
    OutOfMemory = 1,
    ProgramCreationFailure = 2,
    InvalidInput = 3,
    InvalidProgram = 4,

    /// <summary>An option NVRTC does not take, e.g. <c>-O3</c> in NVRTC 13 (GPU.md).</summary>
    InvalidOption = 5,

    /// <summary>The source did not compile; the program log says why.</summary>
    Compilation = 6,
    BuiltinOperationFailure = 7,
    NoNameExpressionsAfterCompilation = 8,
    NoLoweredNamesBeforeCompilation = 9,
    NameExpressionNotValid = 10,
    InternalError = 11,
    TimeFileWriteFailed = 12,
    NoPchCreateAttempted = 13,
    PchCreateHeapExhausted = 14,
    PchCreate = 15,
    Cancelled = 16,
    TimeTraceFileWriteFailed = 17,
}
