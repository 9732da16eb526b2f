// HeatGrid's dashboard: the site live (server-sent events from /api/events), the plan, the fleet, signals,
// history from the ledger, the proof-of-useful-work ledger, the audit trail and the policy form, with the roles of the API.
import './style.css';
import { api, ApiError, setCsrf, type Session } from './api';
import { fitCharts, lineChart } from './charts';
import { $, el, list, money, num, reason, si, table, time } from './format';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

let session: Session | null = null;
let events: EventSource | null = null;
const importHistory: { t: number; metered: number | null; model: number | null; cap: number | null }[] = [];
const maxLivePoints = 900;
let ticks = 0;
let lastAuditSeq = 0;
let plan: Json = null;

const canOperate = (): boolean => session !== null && (session.open || session.role === 'operator' || session.role === 'admin');

// ---------------------------------------------------------------- start, login, logout

async function start(): Promise<void> {
  window.addEventListener('hashchange', showView);
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('policy-form').addEventListener('submit', savePolicy);
  for (const b of document.querySelectorAll<HTMLButtonElement>('#history-range button')) {
    b.addEventListener('click', () => void loadHistory(Number(b.dataset.hours)));
  }
  $('statement-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void loadStatement();
  });
  try {
    session = await api<Session>('GET', '/api/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showLogin();
      return;
    }
    throw e;
  }
  await enter();
}

function showLogin(message = ''): void {
  $('login').hidden = false;
  $('app').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  $('login-error').textContent = message;
  ($('login-key') as HTMLInputElement).focus();
}

async function login(event: Event): Promise<void> {
  event.preventDefault();
  const input = $('login-key') as HTMLInputElement;
  try {
    session = await api<Session>('POST', '/api/session', { key: input.value.trim() });
    input.value = '';
    $('login').hidden = true;
    await enter();
  } catch (e) {
    $('login-error').textContent = e instanceof ApiError ? e.detail : String(e);
  }
}

async function logout(): Promise<void> {
  events?.close();
  events = null;
  try {
    await api('DELETE', '/api/session');
  } finally {
    session = null;
    setCsrf(null);
    location.reload();   // a fresh page: nothing of the last user's role stays in it
  }
}

async function enter(): Promise<void> {
  if (!session) return;
  setCsrf(session.csrfToken);
  $('app').hidden = false;
  $('who').textContent = session.open ? 'open API (no users, loopback)' : `${session.user} (${session.role})`;
  $('logout').hidden = session.open;
  document.body.dataset.role = session.open ? 'open' : (session.role ?? '');
  for (const a of document.querySelectorAll<HTMLElement>('[data-needs="operator"]')) a.hidden = !canOperate();
  if (!canOperate()) {
    // Not hidden but gone: a viewer's page holds no policy form and no audit page (the API refuses them anyway).
    for (const v of document.querySelectorAll('section[data-view="policy"], section[data-view="audit"], [data-needs="operator"]')) v.remove();
  }
  showView();
  if (session.role === 'tenant') {
    await tenantView();
    // No live feed for a tenant: its proof ledger is read again on a timer of its own while shown.
    window.setInterval(() => {
      if (currentView() === 'pouw') void loadPouw();
    }, pouwPollMs);
    return;
  }
  // The first values at once, then the live feed.
  await Promise.allSettled([
    api<Json>('GET', '/api/status').then(onStatus),
    api<Json>('GET', '/api/plan').then((p) => onPlan(p, true)),
    refreshSlow(),
  ]);
  if (canOperate()) void Promise.allSettled([loadAudit(), loadPolicy()]);
  connect();
}

// ---------------------------------------------------------------- live events

function connect(): void {
  events?.close();
  const source = new EventSource('/api/events');
  events = source;
  source.addEventListener('open', () => ($('live-state').textContent = 'live'));
  source.addEventListener('status', (e) => onStatus(JSON.parse((e as MessageEvent).data)));
  source.addEventListener('plan', (e) => onPlan(JSON.parse((e as MessageEvent).data)));
  source.addEventListener('audit', (e) => onAudit(JSON.parse((e as MessageEvent).data)));
  source.addEventListener('end', () => {
    source.close();
    showLogin('Your session ended; log in again.');
  });
  source.addEventListener('error', () => {
    $('live-state').textContent = source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…';
    if (source.readyState === EventSource.CLOSED) void recheckSession();
  });
}

async function recheckSession(): Promise<void> {
  try {
    session = await api<Session>('GET', '/api/session');
    window.setTimeout(connect, 3000);
  } catch {
    showLogin('Your session ended; log in again.');
  }
}

// ---------------------------------------------------------------- status

function onStatus(s: Json): void {
  if (!s) return;
  ticks++;
  $('site-name').textContent = s.site ?? '';
  const metered = s.gridImportMeteredKw ?? s.gridImportKw;
  $('import-now').textContent = num(metered);
  $('import-now').dataset.kw = String(metered ?? '');
  $('import-model').textContent = num(s.gridImportModelKw);
  $('import-cap').textContent = num(s.gridImportCapKw, 0);
  $('cap-note').textContent = s.capHeldAgainst ? `held against ${s.capHeldAgainst}${s.holdBelowKw ? `, below ${num(s.holdBelowKw, 0)} kW` : ''}` : '';
  $('price-now').textContent = num(s.priceEurPerMwh, 2);
  $('price-unit').textContent = `${s.currency ?? 'EUR'}/MWh`;
  $('tank-now').textContent = num(s.heat?.storedKwh, 0);
  const tick = $('tick');
  tick.textContent = time(s.time);
  tick.dataset.tick = s.time ?? '';
  $('live-state').dataset.ticks = String(ticks);

  importHistory.push({ t: Date.parse(s.time) / 1000, metered: metered ?? null, model: s.gridImportModelKw ?? null, cap: s.gridImportCapKw ?? null });
  if (importHistory.length > maxLivePoints) importHistory.splice(0, importHistory.length - maxLivePoints);
  lineChart(
    'import-chart',
    [{ label: 'metered kW' }, { label: 'modelled kW', dash: [6, 4] }, { label: 'cap kW', color: '#e03131', stepped: true }],
    [importHistory.map((p) => p.t), importHistory.map((p) => p.metered), importHistory.map((p) => p.model), importHistory.map((p) => p.cap)],
    { left: 'kW' },
  );

  table('workloads', ['Workload', 'Kind', 'Power kW', 'GPUs'], (s.workloads ?? []).map((w: Json) => [w.name, w.kind, num(w.powerKw), w.gpus]));
  const pools = new Map<string, { gpus: number; w: number; byWorkload: Map<string, number> }>();
  for (const g of s.gpuAssignments ?? []) {
    const p = pools.get(g.pool) ?? { gpus: 0, w: 0, byWorkload: new Map<string, number>() };
    p.gpus++;
    p.w += g.powerW ?? 0;
    const wl = g.runningWorkload ?? g.workload ?? 'idle';
    p.byWorkload.set(wl, (p.byWorkload.get(wl) ?? 0) + (g.powerW ?? 0));
    pools.set(g.pool, p);
  }
  table('pools', ['Pool', 'GPUs', 'Power kW', 'By workload'], [...pools].map(([name, p]) => [
    name, p.gpus, num(p.w / 1000), [...p.byWorkload].map(([wl, w]) => `${wl} ${num(w / 1000)}`).join(', '),
  ]));
  table('heat-loops', ['Loop', 'Demand kW', 'Delivered kW', 'Captured kW', 'Boiler kW', 'Dumped kW', 'Tank in/out kW', 'Stored kWh', 'Shortfall kW'],
    (s.heatLoops ?? []).map((h: Json) => [h.name, num(h.demandKw), num(h.deliveredKw), num(h.capturedKw), num(h.boilerKw), num(h.dumpedKw),
      `${num(h.toStorageKw)} / ${num(h.fromStorageKw)}`, num(h.storedKwh, 0), num(h.shortfallKw)]));
  $('explanations-now').replaceChildren(...(s.explanations ?? []).map((x: string) => el('li', x)));
  renderHa(s.ha);
  renderAlarms(s);
  renderGpus(s.gpuAssignments ?? []);
  if (ticks % 10 === 0) void refreshSlow();
}

/** With --ha: this controller's role and epoch, who leads, the peer, and when leadership last moved (and why). */
function renderHa(ha: Json): void {
  const box = $('ha');
  box.hidden = !ha;
  if (!ha) return;
  box.dataset.role = ha.role ?? '';
  const role = ha.role === 'leader' ? `Leader (epoch ${ha.epoch})` : `Standby: ${ha.leader ? `${ha.leader} leads (epoch ${ha.epoch})` : 'no controller leads'}`;
  const peer = ha.peer ? `peer ${ha.peer.name} (${ha.peer.role}, seen ${num(ha.peer.seenSecondsAgo, 1)} s ago)` : 'no peer seen';
  const moved = ha.lastMove ? `leadership moved ${time(ha.lastMove.at)} to ${ha.lastMove.leader}: ${ha.lastMove.why}` : '';
  const db = ha.databaseProblem ? `database: ${ha.databaseProblem}` : '';
  box.replaceChildren(el('strong', role, 'ha-role'), el('span', ` · ${ha.name} · ${peer}`), el('span', moved ? ` · ${moved}` : '', 'ha-moved'),
    el('span', db ? ` · ${db}` : '', 'ha-db'));
  box.className = ha.role === 'leader' && !ha.databaseProblem ? 'ha ha-leader' : 'ha ha-standby';
}

function renderAlarms(s: Json): void {
  const box = $('alarms');
  box.replaceChildren();
  for (const a of s.alarms ?? []) {
    const severity = String(a.severity ?? 'warning').toLowerCase();
    box.append(el('div', `${a.key ? a.key + ': ' : ''}${a.message ?? JSON.stringify(a)}${a.count > 1 ? ` (×${a.count})` : ''}`, `alarm ${severity}`));
  }
  for (const w of s.warnings ?? []) box.append(el('div', typeof w === 'string' ? w : JSON.stringify(w), 'alarm warning'));
}

function renderGpus(gpus: Json[]): void {
  if (location.hash !== '#/fleet') return;   // 1000+ rows: drawn only while shown
  $('gpu-count').textContent = `${gpus.length} GPUs`;
  table('gpus', ['GPU', 'Node', 'Pool', 'Workload (planned / running)', 'Target W', 'Power W', 'Shed'],
    gpus.slice(0, 400).map((g) => [g.gpu, g.node, g.pool, `${g.workload ?? 'idle'} / ${g.runningWorkload ?? 'idle'}`, num(g.targetW, 0), num(g.powerW, 0), g.shed ?? '']));
}

// Agents, signals and demand response change slowly; read again every tenth tick, not on a timer of their own.
async function refreshSlow(): Promise<void> {
  await Promise.allSettled([
    api<Json[]>('GET', '/api/agents').then((agents) => table('agents', ['Node', 'Online', 'State', 'GPUs', 'Commanded kW', 'Clock offset ms', 'Last heard', 'Backend'],
      agents.map((a) => [a.node, a.online ? 'yes' : 'NO', a.state, a.gpus, num((a.commandedW ?? 0) / 1000), num(a.clockOffsetMs, 0), time(a.lastHeard), a.backend]))),
    api<Json[]>('GET', '/api/signals').then((signals) => table('signals', ['Signal', 'Value', 'Unit', 'Quality', 'Reason', 'Source', 'Age s'],
      signals.map((x) => [x.name, num(x.value, 3), x.unit, qualityBadge(x.quality), x.reason, x.source, num(x.ageSeconds, 1)]))),
    api<Json[]>('GET', '/api/dr/curtailments').then((c) => table('curtailments', ['Id', 'Cap kW', 'From', 'Until', 'Reason'],
      c.map((x) => [x.id, num(x.capKw, 0), time(x.from, true), time(x.until, true), x.reason]))),
    api<Json[]>('GET', '/api/dr/events').then((d) => table('dr-events', ['When', 'Kind', 'Detail'],
      d.slice(0, 20).map((x) => [time(x.at ?? x.time ?? x.receivedAt, true), x.kind ?? x.type ?? '', x.message ?? x.reason ?? JSON.stringify(x)]))),
    currentView() === 'pouw' ? loadPouw() : Promise.resolve(),
  ]);
}

function qualityBadge(q: string): HTMLElement {
  return el('span', q, `badge ${q}`);
}

// ---------------------------------------------------------------- plan

function onPlan(p: Json, read = false): void {
  if (!p) return;
  if (!read && (p.policyVersion === undefined || p.policyVersion === null)) {
    // A pushed plan without the policy version it was made under: GET /api/plan says it, where this build keeps versions.
    void api<Json>('GET', '/api/plan').then((full) => drawPlan(full ?? p)).catch(() => drawPlan(p));
    return;
  }
  drawPlan(p);
}

function drawPlan(p: Json): void {
  plan = p;
  const slots: Json[] = p.slots ?? [];
  $('plan-created').textContent = time(p.createdAt, true);
  $('policy-version').textContent = p.policyVersion === undefined || p.policyVersion === null ? '–' : String(p.policyVersion);
  $('policy-version').dataset.version = String(p.policyVersion ?? '');
  const chart = $('plan-chart');
  chart.dataset.slots = String(slots.length);
  chart.dataset.firstSlot = slots[0]?.start ?? '';
  const last = slots[slots.length - 1];
  chart.dataset.lastSlot = last?.start ?? '';
  chart.dataset.lastSlotEnd = last ? new Date(Date.parse(last.start) + (last.lengthMinutes ?? 60) * 60000).toISOString() : '';
  chart.dataset.createdAt = p.createdAt ?? '';

  const workloads = [...new Set(slots.flatMap((s) => (s.allocations ?? []).map((a: Json) => a.workload as string)))];
  const x = slots.map((s) => Date.parse(s.start) / 1000);
  const perWorkload = workloads.map((w) => slots.map((s) => (s.allocations ?? []).filter((a: Json) => a.workload === w).reduce((sum: number, a: Json) => sum + (a.powerKw ?? 0), 0)));
  lineChart('plan-chart',
    [{ label: 'import kW', stepped: true }, ...workloads.map((w) => ({ label: `${w} kW`, stepped: true })), { label: 'price /MWh', scale: 'price', dash: [4, 3], stepped: true }],
    [x, slots.map((s) => s.gridImportKw ?? null), ...perWorkload, slots.map((s) => s.spotPricePerMwh ?? null)],
    { left: 'kW', right: 'price per MWh' });
  lineChart('price-chart', [{ label: 'spot /MWh', scale: 'kW', stepped: true }, { label: 'all-in /MWh', scale: 'kW', stepped: true, dash: [5, 3] }],
    [x, slots.map((s) => s.spotPricePerMwh ?? null), slots.map((s) => s.importCostPerMwh ?? null)], { left: 'per MWh' });
  table('plan-slots', ['Slot', 'Spot /MWh', 'Import kW', 'Allocations', 'Heat', 'Explanations', 'Violations'], slots.map((s) => [
    time(s.start, true), num(s.spotPricePerMwh, 2), num(s.gridImportKw, 0),
    (s.allocations ?? []).map((a: Json) => `${a.workload}@${a.pool} ${num(a.powerKw, 0)} kW`).join(', '),
    (s.heat ?? []).map((h: Json) => `${h.loop}: demand ${num(h.demandKw, 0)}, boiler ${num(h.boilerKw, 0)}, dumped ${num(h.dumpedKw, 0)}, tank ${num(h.storedAtEndKwh, 0)} kWh`).join('; '),
    list(s.explanations ?? [], 'compact'),
    (s.violations ?? []).length ? list((s.violations ?? []).map((v: Json) => (typeof v === 'string' ? v : JSON.stringify(v))), 'compact violations') : '',
  ]));
}

// ---------------------------------------------------------------- history (ledger)

async function loadHistory(hours: number): Promise<void> {
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600_000);
  try {
    const slots = await api<Json[]>('GET', `/api/ledger?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
    $('history-note').textContent = `${slots.length} ledger slots, ${from.toLocaleString('en-GB')} to ${to.toLocaleString('en-GB')}`;
    const x = slots.map((s) => Date.parse(s.start) / 1000);
    lineChart('history-chart',
      [{ label: 'import kWh', stepped: true }, { label: 'GPU kWh', stepped: true }, { label: 'all-in /MWh', scale: 'price', dash: [4, 3], stepped: true }],
      [x, slots.map((s) => s.site?.importKwh ?? null), slots.map((s) => s.site?.gpuKwh ?? null), slots.map((s) => s.site?.allInPricePerMwh ?? null)],
      { left: 'kWh per slot', right: 'per MWh' });
  } catch (e) {
    $('history-note').textContent = e instanceof ApiError && e.status === 404 ? 'No ledger in this process.' : `History unavailable: ${e}`;
  }
}

// ---------------------------------------------------------------- statements (the books)

/** The query of the statement the form asks for; a tenant's key is held to its own tenant, as the API holds it. */
function statementQuery(format: string): string {
  const kind = (document.getElementById('statement-kind') as HTMLSelectElement).value;
  const name = (document.getElementById('statement-name') as HTMLInputElement).value.trim();
  const from = (document.getElementById('statement-from') as HTMLInputElement).value;
  const to = (document.getElementById('statement-to') as HTMLInputElement).value;
  const party = kind === 'facility' ? 'facility=true' : `${kind}=${encodeURIComponent(name)}`;
  return `/api/statements?from=${from}&to=${to}&${party}&format=${format}`;
}

function prepareStatementForm(): void {
  const today = new Date();
  const first = new Date(today.getFullYear(), today.getMonth(), 1);
  const day = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  (document.getElementById('statement-from') as HTMLInputElement).value ||= day(first);
  (document.getElementById('statement-to') as HTMLInputElement).value ||= day(today);
  const kind = document.getElementById('statement-kind') as HTMLSelectElement;
  if (session?.role === 'tenant') {
    kind.value = 'tenant';
    (document.getElementById('statement-name') as HTMLInputElement).value = session.tenant ?? '';
  } else if (session?.role === 'integrator') {
    kind.value = 'heatBuyer';
  }
}

async function loadStatement(): Promise<void> {
  prepareStatementForm();
  ($('statement-csv') as HTMLAnchorElement).href = statementQuery('csv');
  try {
    const response = await fetch(statementQuery('md'), { credentials: 'same-origin', headers: { Accept: 'text/markdown' } });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try {
        detail = (JSON.parse(text) as { detail?: string }).detail ?? text;
      } catch {
        // not a problem document: the text as it came
      }
      $('statement-note').textContent = `No statement (${response.status}): ${detail}`;
      $('statement').textContent = '';
      return;
    }
    $('statement-note').textContent = 'As heatgrid report makes it, from this process\'s ledger (the slot in progress as of the last tick).';
    $('statement').textContent = text;
  } catch (e) {
    $('statement-note').textContent = `Statement unavailable: ${e}`;
  }
}

// ---------------------------------------------------------------- proof of useful work (GET /api/pouw: a tenant's key sees its own tenant)

const pouwPollMs = 10_000;

async function loadPouw(): Promise<void> {
  const error = $('pouw-error');
  let view: Json;
  try {
    view = await api<Json>('GET', '/api/pouw');
  } catch (e) {
    // What was shown stays, under the API's own words for why it could not be read again.
    error.textContent = e instanceof ApiError ? `The proof ledger could not be read (${e.status}): ${e.detail}` : `The proof ledger could not be read: ${e}`;
    return;
  }
  error.textContent = '';
  drawPouw(view ?? {});
}

function drawPouw(v: Json): void {
  const jobs: Json[] = v.jobs ?? [];
  const tenants: Json[] = [...(v.tenants ?? []), ...(v.unattributed ? [v.unattributed] : [])];
  $('pouw-read').textContent = `read ${time(new Date().toISOString())}`;
  $('pouw-empty').hidden = jobs.length > 0;
  table('pouw-tenants', ['Tenant', 'Tickets found', 'Verified', 'Useful work', 'Revenue', 'Rejected'], tenants.map((t) => [
    t.tenant || '(bodies naming no tenant)', t.ticketsFound, t.ticketsVerified, si(t.workUnits, 'multiply-adds'), money(t.revenue, t.currency),
    rejected(t.rejected ?? {}),
  ]), 'no tickets yet');
  for (const [i, tr] of [...$('pouw-tenants').querySelectorAll('tbody tr')].entries()) {
    if (tenants[i]) (tr as HTMLElement).dataset.tenant = tenants[i].tenant ?? '';
  }

  const p = v.pricing ?? {};
  $('pouw-pricing').textContent = `Each accepted ticket is valued at ${money(p.revenuePerTicket ?? 0, p.currency)}: ${p.basis ?? 'no pricing basis given'}.`;

  table('pouw-jobs', ['Tenant', 'Job', 'Shape m×n×k', 'Rank', 'Tile', 'Chunk', 'Header', 'Tiles per ticket', 'Weights root', 'Registered'], jobs.map((j) => {
    const root = el('code', `${String(j.weightsRoot ?? '').slice(0, 12)}…`);
    root.title = j.weightsRoot ?? '';
    return [j.tenant, j.job, `${j.m}×${j.n}×${j.k}`, j.rank, `${j.tileH}×${j.tileW}`, j.chunk, `#${j.sequence}`, num(j.tilesPerTicket, 3), root,
      time(j.registeredAt, true)];
  }), 'none');
  for (const [i, tr] of [...$('pouw-jobs').querySelectorAll('tbody tr')].entries()) {
    if (jobs[i]) (tr as HTMLElement).dataset.job = `${jobs[i].tenant}/${jobs[i].job}`;
  }
}

/** Refused tickets per reason, each reason readable; "none" when nothing was refused. */
function rejected(byReason: Record<string, number>): Node | string {
  const entries = Object.entries(byReason).filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : list(entries.map(([name, n]) => `${reason(name)}: ${n}`), 'compact');
}

// ---------------------------------------------------------------- audit

async function loadAudit(): Promise<void> {
  const entries = await api<Json[]>('GET', '/api/audit?limit=200');
  auditRows = entries;
  drawAudit();
}

let auditRows: Json[] = [];

function onAudit(entries: Json[]): void {
  const known = new Set(auditRows.map((e) => e.seq));
  auditRows = [...entries.filter((e) => !known.has(e.seq)), ...auditRows].sort((a, b) => b.seq - a.seq).slice(0, 500);
  drawAudit();
  if (entries.some((e) => String(e.what ?? '').startsWith('policy.'))) void loadPolicy();
}

function drawAudit(): void {
  lastAuditSeq = auditRows[0]?.seq ?? lastAuditSeq;
  $('audit-table').dataset.lastSeq = String(lastAuditSeq);
  table('audit-table', ['Seq', 'When', 'Who', 'Role', 'From', 'What', 'Before → after', 'Why'], auditRows.map((e) => [
    e.seq, time(e.at ?? e.time, true), e.who ?? e.actor?.name ?? e.user, e.role ?? e.actor?.role, e.from ?? e.actor?.remote, e.what,
    el('code', `${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}`), e.why,
  ]), 'no entries yet');
  for (const [i, tr] of [...$('audit-table').querySelectorAll('tbody tr')].entries()) {
    if (auditRows[i]) (tr as HTMLElement).dataset.what = auditRows[i].what ?? '';
  }
}

// ---------------------------------------------------------------- policy (GET/PUT /api/policy, versions, rollback)

let policyDoc: Json = null;

async function loadPolicy(): Promise<void> {
  const note = $('policy-note');
  try {
    policyDoc = await api<Json>('GET', '/api/policy');
  } catch (e) {
    $('policy-card').hidden = true;
    $('policy-versions-card').hidden = true;
    note.textContent = e instanceof ApiError && e.status === 404
      ? 'This HeatGrid has no run-time policy API (GET /api/policy answered 404): the policy is the site file\'s.'
      : `The policy could not be read: ${e instanceof ApiError ? e.detail : e}`;
    return;
  }
  note.textContent = '';
  $('policy-card').hidden = false;
  const p = policyDoc.policy ?? {};
  $('policy-current-version').textContent = String(policyDoc.version);
  $('policy-current-version').dataset.version = String(policyDoc.version);
  $('policy-current-by').textContent = `${policyDoc.changedBy ?? ''} (${policyDoc.source ?? ''}) ${time(policyDoc.changedAt, true)}`;
  ($('policy-price') as HTMLInputElement).value = p.maxImportPricePerMwh ?? '';
  ($('policy-ramp') as HTMLInputElement).value = p.rampLimitKwPerMinute ?? '';
  ($('policy-shed') as HTMLInputElement).value = (p.shedOrder ?? []).join(', ');
  ($('policy-dwell') as HTMLInputElement).value = p.minDwell ?? '';
  ($('policy-safe') as HTMLInputElement).value = p.safeState ?? '';
  try {
    const versions = await api<Json>('GET', '/api/policy/versions');
    $('policy-versions-card').hidden = false;
    table('policy-versions', ['Version', 'When', 'By', 'Source', 'Reason', 'Price limit', ''], (versions.versions ?? []).map((v: Json) => {
      const button = el('button', 'Roll back to this', 'small-button');
      button.type = 'button';
      button.disabled = v.version === policyDoc.version;
      button.addEventListener('click', () => void rollback(v.version));
      return [v.version, time(v.changedAt, true), `${v.changedBy ?? ''}${v.role ? ` (${v.role})` : ''}`, v.source, v.reason, num(v.policy?.maxImportPricePerMwh, 2), button];
    }));
  } catch {
    $('policy-versions-card').hidden = true;
  }
}

function numberOrNull(id: string): number | null {
  const text = ($(id) as HTMLInputElement).value.trim();
  return text === '' ? null : Number(text);
}

async function savePolicy(event: Event): Promise<void> {
  event.preventDefault();
  const errors = $('policy-errors');
  errors.replaceChildren();
  $('policy-saved').textContent = '';
  const text = (id: string): string | null => ($(id) as HTMLInputElement).value.trim() || null;
  const policy = {
    ...(policyDoc?.policy ?? {}),
    maxImportPricePerMwh: numberOrNull('policy-price'),
    rampLimitKwPerMinute: numberOrNull('policy-ramp'),
    shedOrder: (text('policy-shed') ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0),
    minDwell: text('policy-dwell'),
    safeState: text('policy-safe'),
  };
  try {
    policyDoc = await api<Json>('PUT', '/api/policy', { policy, reason: text('policy-reason'), baseVersion: policyDoc?.version });
    $('policy-saved').textContent = `Saved as version ${policyDoc.version}; re-planning.`;
    ($('policy-reason') as HTMLInputElement).value = '';
    await loadPolicy();
  } catch (e) {
    showPolicyErrors(e);
  }
}

function showPolicyErrors(e: unknown): void {
  const errors = $('policy-errors');
  if (!(e instanceof ApiError)) {
    errors.textContent = String(e);
    return;
  }
  errors.append(el('p', e.status === 409 ? `Someone changed the policy first: ${e.detail} (reloaded; check and save again)` : e.detail));
  const extra = (e.body as Json)?.errors;
  if (extra && typeof extra === 'object') {
    const items = Array.isArray(extra) ? extra.map(String) : Object.entries(extra).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((m) => `${k}: ${m}`));
    errors.append(list(items));
  }
  if (e.status === 409) void loadPolicy();
}

async function rollback(version: number): Promise<void> {
  const reason = window.prompt(`Roll back to policy version ${version}: why?`, '') ?? undefined;
  try {
    policyDoc = await api<Json>('POST', '/api/policy/rollback', { version, reason });
    $('policy-saved').textContent = `Rolled back: now version ${policyDoc.version}.`;
    await loadPolicy();
  } catch (e) {
    showPolicyErrors(e);
  }
}

// ---------------------------------------------------------------- tenant, views

async function tenantView(): Promise<void> {
  $('live-state').textContent = `A tenant key sees its own tenant's view (${session?.tenant}).`;
  try {
    const view = await api<Json>('GET', `/api/tenants/${encodeURIComponent(session?.tenant ?? '')}`);
    const overview = document.querySelector<HTMLElement>('section[data-view="overview"]');
    overview?.replaceChildren(el('div', undefined, 'card'));
    overview?.firstElementChild?.append(el('h2', `Tenant ${session?.tenant}`), el('pre', JSON.stringify(view, null, 2)));
  } catch (e) {
    $('live-state').textContent = `The tenant view could not be read: ${e}`;
  }
}

function currentView(): string {
  return (location.hash.replace(/^#\//, '') || 'overview').split('?')[0];
}

function showView(): void {
  const name = currentView();
  const wanted = ['overview', 'plan', 'fleet', 'signals', 'history', 'pouw', 'policy', 'audit'].includes(name) ? name : 'overview';
  const view = (wanted === 'policy' || wanted === 'audit') && !canOperate() ? 'overview' : wanted;
  for (const section of document.querySelectorAll<HTMLElement>('section.view')) section.hidden = section.dataset.view !== view;
  for (const a of document.querySelectorAll<HTMLElement>('#nav a')) a.classList.toggle('active', a.dataset.view === view);
  if (view === 'history' && session) {
    void loadHistory(24);
    prepareStatementForm();
  }
  if (view === 'plan' && plan) drawPlan(plan);
  if (view === 'pouw' && session) void loadPouw();
  window.requestAnimationFrame(fitCharts);
}

void start();
