using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Energy.Gpu.Pouw;

namespace Energy.Scheduler.Cli.Pouw;

/// <summary>
/// <c>heatgrid pouw weights --seed S --n N --k K [--rank R]</c>: the Merkle root of the weights a node agent makes from
/// seed S (<see cref="PouwSyntheticOperands.Weights"/>; <c>heatgrid agent --pouw-weights-seed S</c>), and the body of
/// <c>POST /api/pouw/jobs</c> that registers a job with them, so the operator registers the job once.
/// </summary>
internal static class PouwWeightsCommand
{
    public static Command Create()
    {
        var seed = new Option<long>("--seed") { Description = "The weights' seed (the agent's --pouw-weights-seed).", Required = true };
        var n = new Option<int>("--n") { Description = "Rows of W (the layer's outputs; a multiple of the tile width, 16).", Required = true };
        var k = new Option<int>("--k") { Description = "Columns of W (the layer's inputs; a multiple of 32).", Required = true };
        var rank = new Option<int>("--rank") { Description = "The noise rank r (1..64): W's values lie in −(128−r)..127−r.", DefaultValueFactory = _ => 64 };
        var m = new Option<int?>("--m") { Description = "For the register body: rows of A per request batch (default: n)." };
        var chunk = new Option<int?>("--chunk") { Description = "For the register body: k-steps between transcript points (default: the controller's)." };
        var tenant = new Option<string>("--tenant") { Description = "For the register body.", DefaultValueFactory = _ => "TENANT" };
        var job = new Option<string>("--job") { Description = "For the register body.", DefaultValueFactory = _ => "JOB" };
        var tilesPerTicket = new Option<double>("--tiles-per-ticket") { Description = "For the register body: expected tiles hashed per ticket.", DefaultValueFactory = _ => 1_000 };
        var command = new Command("weights", "Print the weights root a node agent makes from a seed, and the POST /api/pouw/jobs body that registers it.")
        {
            seed, n, k, rank, m, chunk, tenant, job, tilesPerTicket,
        };
        command.SetAction(r => Run(r.GetValue(seed), r.GetValue(n), r.GetValue(k), r.GetValue(rank), r.GetValue(m), r.GetValue(chunk), r.GetValue(tenant)!,
            r.GetValue(job)!, r.GetValue(tilesPerTicket)));
        return command;
    }

    private static int Run(long seed, int n, int k, int rank, int? m, int? chunk, string tenant, string job, double tilesPerTicket)
    {
        var d = PouwParameters.Default(m ?? n, n, k);
        var parameters = new PouwParameters(m ?? n, n, k, rank, d.TileH, d.TileW, chunk ?? d.Chunk);
        if (parameters.Check() is { } problem)
        {
            Console.Error.WriteLine("Out of bounds: " + problem);
            return 2;
        }

        var root = Convert.ToHexStringLower(PouwMerkle.RootOf(PouwSyntheticOperands.Weights(seed, n, k, rank), n, k));
        var body = new JsonObject
        {
            ["tenant"] = tenant,
            ["job"] = job,
            ["weightsRoot"] = root,
            ["m"] = parameters.M,
            ["n"] = n,
            ["k"] = k,
            ["rank"] = rank,
            ["tilesPerTicket"] = tilesPerTicket,
        };
        if (chunk is { } c)
        {
            body["chunk"] = c;
        }

        Console.WriteLine("weights root: " + root);
        Console.WriteLine("register (POST /api/pouw/jobs): " + body.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        return 0;
    }
}
