using Energy.Scheduler.Books;
using static Energy.Scheduler.Tests.Books.StatementTestLedger;

namespace Energy.Scheduler.Tests.Books;

/// <summary>Statements from an in-memory ledger: local hours and days in Europe/Berlin, the three parties, and what each line says about itself.</summary>
public sealed class StatementBuilderTests
{
    private static readonly DateOnly Spring = new(2026, 3, 29);
    private static readonly DateOnly Autumn = new(2026, 10, 25);

    private static Statement Build(ILedgerReader ledger, StatementParty party, DateOnly from, DateOnly? to = null) =>
        StatementBuilder.Build(ledger, new StatementRequest(party, from, to ?? from, StatementFormat.Json));

    private static LedgerSlot TenantSlot(DateTimeOffset start, int minutes = 60, double gpuKwh = 1) =>
        Slot(start, minutes, workloads: [Workload("llm", "acme", gpuKwh: gpuKwh, gridKwh: gpuKwh * 1.1, gpuHours: 1, revenue: 2)]);

    [Fact]
    public void Build_SpringDstDayInBerlin_23HourlyLinesWithoutTheSkippedHour()
    {
        // Local midnight is 23:00Z the day before; 02:00 local does not exist on 2026-03-29.
        var ledger = new StatementTestLedger([.. Hourly(Utc(2026, 3, 28, 23), 23, h => TenantSlot(h))]);

        var statement = Build(ledger, StatementParty.Tenant("acme"), Spring);

        Assert.Equal(23, statement.Hourly.Count);
        Assert.All(statement.Hourly, h => Assert.Equal(1, h.Slots));
        Assert.Equal(["00:00+01:00", "01:00+01:00", "03:00+02:00", "04:00+02:00"], statement.Hourly.Take(4).Select(h => h.Start.ToString("HH:mmzzz", null)));
        var day = Assert.Single(statement.Daily);
        Assert.Equal(23 * 3600, day.Seconds);
        Assert.False(day.Partial);
        Assert.Equal(23, ((StatementTenantFigures)day.Figures).GpuKwh, 9);
        Assert.Equal((Utc(2026, 3, 28, 23), Utc(2026, 3, 29, 22)), Assert.Single(ledger.Reads));
    }

    [Fact]
    public void Build_AutumnDstDayInBerlin_25HourlyLinesTheRepeatedHourByItsOffset()
    {
        var ledger = new StatementTestLedger([.. Hourly(Utc(2026, 10, 24, 22), 25, h => TenantSlot(h))]);

        var statement = Build(ledger, StatementParty.Tenant("acme"), Autumn);

        Assert.Equal(25, statement.Hourly.Count);
        Assert.Equal("2026-10-25T02:00:00+02:00", StatementFormats.Timestamp(statement.Hourly[2].Start));
        Assert.Equal("2026-10-25T02:00:00+01:00", StatementFormats.Timestamp(statement.Hourly[3].Start));
        Assert.Equal(25 * 3600, Assert.Single(statement.Daily).Seconds);
        Assert.Equal(25, ((StatementTenantFigures)statement.Total.Figures).GpuHours, 9);
    }

    [Fact]
    public void Build_QuarterHourSlots_SummedIntoTheirLocalHour()
    {
        var start = Utc(2026, 6, 1, 8);
        var ledger = new StatementTestLedger([.. Enumerable.Range(0, 4).Select(q => TenantSlot(start.AddMinutes(15 * q), 15, gpuKwh: 0.25 * (q + 1)))]);

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1));

        Assert.Equal(24, statement.Hourly.Count);
        var tenAm = statement.Hourly[10];
        Assert.Equal("2026-06-01T10:00:00+02:00", StatementFormats.Timestamp(tenAm.Start));
        Assert.Equal(4, tenAm.Slots);
        Assert.Equal(3600, tenAm.CoveredSeconds);
        Assert.Equal(2.5, ((StatementTenantFigures)tenAm.Figures).GpuKwh, 9);
        Assert.Equal(0, statement.Hourly[11].Slots);
        Assert.True(statement.Daily[0].Partial);
    }

    [Fact]
    public void Build_TenantWithTwoWorkloads_BothSummedOthersLeftOut()
    {
        var ledger = new StatementTestLedger(Slot(Utc(2026, 6, 1, 8), workloads:
        [
            Workload("llm-a", "acme", gpuKwh: 10, gridKwh: 11.5, gpuHours: 8, owed: 240, delivered: 240, revenue: 16, energyCost: 2.3),
            Workload("llm-b", "acme", gpuKwh: 5, gridKwh: 5.75, gpuHours: 4, owed: 240, delivered: 120, revenue: 8, energyCost: 1.15),
            Workload("chat", "other", gpuKwh: 100, gridKwh: 115, gpuHours: 80, owed: 60, delivered: 60, revenue: 160),
            Workload("mining", null, gpuKwh: 50, gridKwh: 57.5, gpuHours: 40, revenue: 3, kind: "mining"),
        ]));

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1));

        Assert.Equal(["llm-a", "llm-b"], statement.Members);
        var total = (StatementTenantFigures)statement.Total.Figures;
        Assert.Equal(12, total.GpuHours, 9);
        Assert.Equal(15, total.GpuKwh, 9);
        Assert.Equal(17.25, total.GridKwh, 9);
        Assert.Equal(2.25, total.CoolingKwh, 9);
        Assert.Equal(480, total.SlaGpuMinutesOwed, 9);
        Assert.Equal(360, total.SlaGpuMinutesDelivered, 9);
        Assert.Equal(75, total.SlaCompliancePercent, 9);
        Assert.Equal(24, total.Amount, 9);
        Assert.Equal(3.45, total.EnergyCost, 9);
    }

    [Fact]
    public void Build_TenantOwedNothing_Compliance100()
    {
        var ledger = new StatementTestLedger(Slot(Utc(2026, 6, 1, 8), workloads: [Workload("batch", "acme", gpuHours: 2, revenue: 4)]));

        var total = (StatementTenantFigures)Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1)).Total.Figures;

        Assert.Equal(100, total.SlaCompliancePercent);
    }

    [Fact]
    public void Build_UnknownTenant_ErrorListsTheTenantsOfTheWindow()
    {
        var ledger = new StatementTestLedger(Slot(Utc(2026, 6, 1, 8), workloads: [Workload("a", "zeta"), Workload("b", "acme"), Workload("m", null, kind: "mining")]));

        var error = Assert.Throws<StatementPartyException>(() => Build(ledger, StatementParty.Tenant("Acme"), new DateOnly(2026, 6, 1)));

        Assert.Equal("no tenant 'Acme' in the ledger from 2026-06-01 to 2026-06-01; tenants in that window: acme, zeta", error.Message);
    }

    [Fact]
    public void Build_UnknownHeatBuyerInAnEmptyWindow_SaysItKnowsNone()
    {
        var error = Assert.Throws<StatementPartyException>(() => Build(new StatementTestLedger(), StatementParty.HeatBuyer("spa"), new DateOnly(2026, 6, 1)));

        Assert.Equal("no heat buyer 'spa' in the ledger from 2026-06-01 to 2026-06-01; that window knows no heat buyers", error.Message);
    }

    [Fact]
    public void Build_EmptyLedger_Refused() =>
        Assert.Throws<StatementInputException>(() => Build(new StatementTestLedger(null, []), StatementParty.Facility, new DateOnly(2026, 6, 1)));

    [Fact]
    public void Build_HeatBuyer_HoursBelowContractWeightedTemperatureAndBoiler()
    {
        var ledger = new StatementTestLedger(
            Slot(Utc(2026, 1, 10, 8), loops: [Loop("pool", "spa", kwh: 300, supplyC: 72, secondsBelow: 0, revenue: 15), Loop("dh", "city", kwh: 999, supplyC: 90)]),
            Slot(Utc(2026, 1, 10, 9), loops: [Loop("pool", "spa", kwh: 100, supplyC: 64, secondsBelow: 1800, revenue: 5, boilerKwh: 50, boilerFuel: 4.5)]),
            Slot(Utc(2026, 1, 10, 10), loops: [Loop("pool", "spa", kwh: 0, supplyC: null, secondsBelow: 0, boilerKwh: 200, boilerFuel: 18, dumpedKwh: 7)]));

        var statement = Build(ledger, StatementParty.HeatBuyer("spa"), new DateOnly(2026, 1, 10));

        Assert.Equal(["pool"], statement.Members);
        var total = (StatementHeatBuyerFigures)statement.Total.Figures;
        Assert.Equal(400, total.HeatKwh, 9);
        Assert.Equal((300 * 72 + 100 * 64) / 400.0, total.SupplyTemperatureC!.Value, 9);
        Assert.Equal(70, total.ContractSupplyTemperatureC);
        Assert.Equal(0.5, total.HoursBelowContract, 9);
        Assert.Equal(20, total.Amount, 9);
        Assert.Equal(250, total.BoilerKwh, 9);
        Assert.Equal(22.5, total.BoilerFuelCost, 9);
        Assert.Equal(7, total.DumpedKwh, 9);
        Assert.Equal("counter", total.Basis);
        Assert.Null(((StatementHeatBuyerFigures)statement.Hourly[11].Figures).SupplyTemperatureC);
        Assert.Equal(0.5, ((StatementHeatBuyerFigures)statement.Hourly[10].Figures).HoursBelowContract, 9);
    }

    [Fact]
    public void Build_Facility_NetCurtailmentsAndReconciliationGap()
    {
        var ledger = new StatementTestLedger(
            Slot(Utc(2026, 6, 1, 8), site: Site(importKwh: 100, meteredKwh: 100, modelKwh: 96, gpuKwh: 70, coolingKwh: 10.5, baseLoadKwh: 15, gapKwh: 4.5,
                    energyCost: 20, curtailments: ["dr-1"], curtailedSeconds: 1200),
                workloads: [Workload("llm", "acme", revenue: 30), Workload("mining", null, revenue: 2, kind: "mining")],
                loops: [Loop("pool", "spa", revenue: 6, boilerFuel: 1.5)]),
            Slot(Utc(2026, 6, 1, 9), site: Site(importKwh: 50, meteredKwh: 50, modelKwh: 52, gpuKwh: 30, coolingKwh: 4.5, baseLoadKwh: 15, gapKwh: 0.5,
                    energyCost: 10, curtailments: ["dr-1", "dr-2"], curtailedSeconds: 3600),
                workloads: [Workload("llm", "acme", revenue: 10)]),
            Slot(Utc(2026, 6, 1, 10), site: Site(importKwh: 40, modelKwh: 40, energyCost: 8)));

        var statement = Build(ledger, StatementParty.Facility, new DateOnly(2026, 6, 1));

        var total = (StatementFacilityFigures)statement.Total.Figures;
        Assert.Equal(190, total.ImportKwh, 9);
        Assert.Equal(150, total.ImportMeteredKwh!.Value, 9);
        Assert.Equal(1, total.UnmeteredSlots);
        Assert.Equal(188, total.ImportModelKwh, 9);
        Assert.Equal("counter+model", total.ImportBasis);
        Assert.Equal(5, total.ReconciliationGapKwh!.Value, 9);
        Assert.Equal(42, total.ComputeRevenue, 9);
        Assert.Equal(6, total.HeatRevenue, 9);
        Assert.Equal(1.5, total.BoilerFuelCost, 9);
        Assert.Equal(38, total.EnergyCost, 9);
        Assert.Equal(42 + 6 - 38 - 1.5, total.Net, 9);
        Assert.Equal(2, total.DrCurtailments);
        Assert.Equal(4800, total.DrCurtailedSeconds, 9);
        Assert.Equal(0, StatementFacilityFigures.DrCredit);
        Assert.Equal(4.5, ((StatementFacilityFigures)statement.Hourly[10].Figures).ReconciliationGapKwh!.Value, 9);
        Assert.Null(((StatementFacilityFigures)statement.Hourly[12].Figures).ReconciliationGapKwh);
        Assert.Contains("DR credits are 0", Assert.Single(statement.Notes), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AcrossAMonthBoundary_MonthlyTotalsCutToTheWindow()
    {
        // 2026-03-31 and 2026-04-01 in Berlin (+02:00): 22:00Z the day before starts each.
        var ledger = new StatementTestLedger([.. Hourly(Utc(2026, 3, 30, 22), 48, h => TenantSlot(h, gpuKwh: h < Utc(2026, 3, 31, 22) ? 1 : 2))]);

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 3, 31), new DateOnly(2026, 4, 1));

        Assert.Equal(2, statement.Monthly.Count);
        Assert.Equal("2026-03-31T00:00:00+02:00", StatementFormats.Timestamp(statement.Monthly[0].Start));
        Assert.Equal("2026-04-01T00:00:00+02:00", StatementFormats.Timestamp(statement.Monthly[0].End));
        Assert.Equal("2026-04-02T00:00:00+02:00", StatementFormats.Timestamp(statement.Monthly[1].End));
        Assert.Equal(24, ((StatementTenantFigures)statement.Monthly[0].Figures).GpuKwh, 9);
        Assert.Equal(48, ((StatementTenantFigures)statement.Monthly[1].Figures).GpuKwh, 9);
        Assert.Equal(72, ((StatementTenantFigures)statement.Total.Figures).GpuKwh, 9);
        Assert.Equal(48, statement.Total.Slots);
    }

    [Fact]
    public void Build_EstimatedSlots_LineMarkedReasonsOnceFlagsKept()
    {
        var start = Utc(2026, 6, 1, 8);
        var ledger = new StatementTestLedger(
            TenantSlot(start, 15) with { EstimatedReasons = ["site meter Bad: timeout"] },
            TenantSlot(start.AddMinutes(15), 15) with { EstimatedReasons = ["site meter Bad: timeout", "gpu-3 counter missing"], Flags = ["gpu-3 counter reset"] },
            TenantSlot(start.AddMinutes(30), 15),
            TenantSlot(start.AddHours(1)));

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1));

        var hour = statement.Hourly[10];
        Assert.True(hour.Estimated);
        Assert.Equal(2, hour.EstimatedSlots);
        Assert.Equal(["site meter Bad: timeout", "gpu-3 counter missing"], hour.EstimatedReasons);
        Assert.Equal(["gpu-3 counter reset"], hour.Flags);
        Assert.False(statement.Hourly[11].Estimated);
        Assert.Equal(2, statement.Daily[0].EstimatedSlots);
        Assert.Equal(["site meter Bad: timeout", "gpu-3 counter missing"], statement.Total.EstimatedReasons);
    }

    [Fact]
    public void Build_SlotInProgress_IncludedAndMarkedOpenAndPartial()
    {
        var start = Utc(2026, 6, 1, 8);
        var ledger = new StatementTestLedger(TenantSlot(start), TenantSlot(start.AddHours(1)) with { Closed = false, CoveredSeconds = 600 });

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1));

        Assert.False(statement.Hourly[10].Open);
        Assert.True(statement.Hourly[11].Open);
        Assert.True(statement.Hourly[11].Partial);
        Assert.Equal(600, statement.Hourly[11].CoveredSeconds);
        Assert.True(statement.Total.Open);
        Assert.Equal(2, ((StatementTenantFigures)statement.Total.Figures).GpuKwh, 9);
        Assert.Equal("2026-06-01T12:00:00+02:00", StatementFormats.Timestamp(statement.LatestSlotEnd!.Value));
    }

    [Fact]
    public void Build_HeatGridStartedMidHour_LinePartial()
    {
        var ledger = new StatementTestLedger(TenantSlot(Utc(2026, 6, 1, 8)) with { CoveredSeconds = 1800 });

        var hour = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1)).Hourly[10];

        Assert.True(hour.Partial);
        Assert.False(hour.Open);
    }

    [Fact]
    public void Build_MoneyTotals_SumsOfUnroundedFigures()
    {
        // Each hour earns 0.4 cent: each shows 0.00, their day 0.01 (not 3 × 0.00).
        var ledger = new StatementTestLedger([.. Hourly(Utc(2026, 6, 1, 8), 3, h => Slot(h, workloads: [Workload("llm", "acme", revenue: 0.004)]))]);

        var statement = Build(ledger, StatementParty.Tenant("acme"), new DateOnly(2026, 6, 1));

        var amount = (StatementLine l) => StatementFormats.Presented(l.Figures.Fields().Single(f => f.Name == "amount"));
        Assert.Equal(0.00, amount(statement.Hourly[10]));
        Assert.Equal(0.01, amount(statement.Daily[0]));
        Assert.Equal(0.012, ((StatementTenantFigures)statement.Total.Figures).Amount, 12);
    }
}
