namespace Energy.TestSupport.Tools;

public sealed record NativeProgramResult(int ExitCode, string StandardOutput, string StandardError);
