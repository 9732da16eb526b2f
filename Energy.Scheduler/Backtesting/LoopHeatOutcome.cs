namespace Energy.Scheduler.Backtesting;

/// <summary>
/// One loop's heat in one executed slot, as its meters and BMS would report it (kW, slot means):
/// the consumer's heat meter (<paramref name="DeliveredKw"/>: GPUs and tank), the boiler's heat to the
/// consumer, what went unserved, and the boiler's top-up of the tank (not part of the demand).
/// </summary>
public sealed record LoopHeatOutcome(string Loop, double DemandKw, double DeliveredKw, double BoilerKw, double ShortfallKw, double BoilerToStorageKw);
