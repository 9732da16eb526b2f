namespace Energy.Scheduler.Ha;

/// <summary>One step of the shared database's schema: applied once, in order, recorded in <c>heatgrid_schema</c>.</summary>
/// <param name="Version">Its place in the order (1, 2, 3…); never renumbered once released.</param>
/// <param name="Name">What it adds, for the log and <c>heatgrid_schema</c>.</param>
/// <param name="Sql">The statements, run in one transaction with the version's row.</param>
public sealed record HaMigration(int Version, string Name, string Sql);

/// <summary>
/// The shared database's schema, one migration per step. Every table is keyed by the site, so several sites may share
/// one database. Append new steps at the end; never edit a released one (a database that applied it would not see the change).
/// </summary>
public static class HaMigrations
{
    public static IReadOnlyList<HaMigration> All { get; } =
    [
        new(1, "leadership: lease, epoch sequence, controllers, moves", """
            CREATE SEQUENCE heatgrid_controller_epoch;
            -- Epochs continue the embedded default's (Unix milliseconds of a start), so agents that followed a
            -- controller without HA take the first HA leader's batches; from here each takeover adds one.
            SELECT setval('heatgrid_controller_epoch', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
            CREATE TABLE heatgrid_leader (
                site text PRIMARY KEY,
                holder text,
                holder_name text,
                holder_url text,
                holder_pid integer,
                epoch bigint NOT NULL DEFAULT 0,
                since timestamptz,
                renewed_at timestamptz,
                released boolean NOT NULL DEFAULT true);
            CREATE TABLE heatgrid_controllers (
                site text NOT NULL,
                name text NOT NULL,
                url text,
                role text NOT NULL,
                epoch bigint NOT NULL,
                started_at timestamptz NOT NULL,
                seen_at timestamptz NOT NULL,
                PRIMARY KEY (site, name));
            CREATE TABLE heatgrid_leadership_moves (
                id bigserial PRIMARY KEY,
                site text NOT NULL,
                at timestamptz NOT NULL,
                epoch bigint NOT NULL,
                leader text NOT NULL,
                previous text,
                previous_epoch bigint,
                why text NOT NULL);
            """),
        new(2, "policy versions", """
            CREATE TABLE heatgrid_policy_versions (
                site text NOT NULL,
                version integer NOT NULL,
                body text NOT NULL,
                written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (site, version));
            """),
        new(3, "state documents (curtailments, demand-response evidence…)", """
            CREATE TABLE heatgrid_state (
                site text NOT NULL,
                name text NOT NULL,
                body text NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (site, name));
            """),
        new(4, "audit trail (hash-chained entries, head)", """
            -- line: the entry exactly as DATA/audit.jsonl would hold it (the hash is over its bytes: text, not json/jsonb).
            CREATE TABLE heatgrid_audit (
                site text NOT NULL,
                seq bigint NOT NULL,
                at timestamptz NOT NULL,
                what text NOT NULL,
                line text NOT NULL,
                hash text NOT NULL,
                PRIMARY KEY (site, seq));
            CREATE TABLE heatgrid_audit_head (
                site text PRIMARY KEY,
                seq bigint NOT NULL,
                hash text NOT NULL);
            """),
        new(5, "API users and their keys' hashes", """
            CREATE TABLE heatgrid_users (
                site text NOT NULL,
                name text NOT NULL,
                role text NOT NULL,
                tenant text,
                added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                PRIMARY KEY (site, name));
            -- One name per site whatever its case, as the users file's checks.
            CREATE UNIQUE INDEX heatgrid_users_name ON heatgrid_users (site, lower(name));
            -- A key's id and the SHA-256 of its secret (hex), never the key; it goes with its user.
            CREATE TABLE heatgrid_user_keys (
                site text NOT NULL,
                id text NOT NULL,
                user_name text NOT NULL,
                secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
                created timestamptz NOT NULL,
                PRIMARY KEY (site, id),
                FOREIGN KEY (site, user_name) REFERENCES heatgrid_users (site, name) ON DELETE CASCADE);
            """),
        new(6, "energy ledger: slots, the slot in progress, proof-of-useful-work tickets and batches", """
            -- What the books are kept for (the embedded ledger's info row).
            CREATE TABLE heatgrid_ledger_info (
                site text PRIMARY KEY,
                time_zone text NOT NULL,
                currency text NOT NULL);
            -- A closed slot, written once (keyed by its start, UTC Unix ms): the whole slot with its lines as the recorder
            -- closed it (LedgerSlot's JSON), queryable with jsonb operators (slot->'site'->>'importKwh').
            CREATE TABLE heatgrid_ledger_slots (
                site text NOT NULL,
                start_ms bigint NOT NULL,
                end_ms bigint NOT NULL CHECK (end_ms > start_ms),
                written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                slot jsonb NOT NULL,
                PRIMARY KEY (site, start_ms));
            -- The slot in progress, checkpointed every few seconds by the leader; a new leader resumes it (one row per site).
            CREATE TABLE heatgrid_ledger_open (
                site text PRIMARY KEY,
                start_ms bigint NOT NULL,
                end_ms bigint NOT NULL,
                saved_ms bigint NOT NULL,
                state text NOT NULL,
                slot text NOT NULL);
            -- Every submitted ticket with its outcome; a ticket id is accepted once per site (the partial unique index).
            CREATE TABLE heatgrid_pouw_tickets (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                site text NOT NULL,
                at_ms bigint NOT NULL,
                tenant text NOT NULL,
                job text NOT NULL,
                sequence bigint NOT NULL,
                ticket_id text NOT NULL,
                outcome text NOT NULL,
                detail text NOT NULL,
                work_units bigint NOT NULL,
                value double precision NOT NULL,
                currency text NOT NULL);
            CREATE UNIQUE INDEX heatgrid_pouw_tickets_accepted ON heatgrid_pouw_tickets (site, ticket_id) WHERE outcome = 'accepted';
            CREATE INDEX heatgrid_pouw_tickets_at ON heatgrid_pouw_tickets (site, at_ms);
            -- The request batches logged per PoUW job (their activations roots).
            CREATE TABLE heatgrid_pouw_batches (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                site text NOT NULL,
                at_ms bigint NOT NULL,
                tenant text NOT NULL,
                job text NOT NULL,
                root text NOT NULL,
                UNIQUE (site, tenant, job, root));
            """),
        new(7, "demand-response evidence", """
            -- One row per demand-response event (site, node, id), upserted by both controllers: the observed record replaces the
            -- commanded one, the earlier observation wins, a commanded record never replaces a row (PgDemandResponseEvents).
            -- seq: the order events were first recorded (never updated), for "the newest N of a site"; body: the event's JSON.
            CREATE TABLE heatgrid_dr_events (
                site text NOT NULL,
                node text NOT NULL,
                id text NOT NULL,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                kind text NOT NULL,
                commanded_at timestamptz NOT NULL,
                observed_at timestamptz,
                recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                body jsonb NOT NULL,
                PRIMARY KEY (site, node, id));
            CREATE INDEX heatgrid_dr_events_newest ON heatgrid_dr_events (site, seq);
            """),
    ];
}
