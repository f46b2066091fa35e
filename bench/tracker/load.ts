/**
 * Tracker load generator: one tracker process (the real command, loopback
 * only) driven by socket.io clients from separate client processes. Measures
 * the most concurrent peers held, connect / join ack / signal relay latency
 * p50 and p99 at a given join rate, and tracker memory per peer.
 *
 *   npm run bench:tracker -- --peers 5000 --join-rate 500 --seconds 120
 *
 * Bounded: at most --peers clients, a hard --seconds limit, and every child
 * process is killed on the way out, whatever happens.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseLoadArgs, UsageError, type LoadParams } from './args.js';
import { latency, markdown, round, textTable, type LoadResults } from './report.js';
import type { ParentMessage, ProgressMessage, ResultMessage, WorkerMessage } from './protocol.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);

function readStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(/\d+/.exec(line ?? '')?.[0] ?? 0) * 1024;
}

/** CPU seconds (user + system) the process used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function openFilesLimit(): string {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = line?.split(/\s{2,}/).slice(1, 3) ?? ['?', '?'];
  return `${soft} (hard ${hard})`;
}

/** Machine-wide busy and total CPU time so far, in clock ticks (`/proc/stat`). */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle + iowait are not busy.
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}

/** Connections the kernel dropped because a listen queue was full (machine-wide, loopback included). */
function listenOverflows(): number {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const header = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[header]?.split(' ') ?? [];
  const values = lines[header + 1]?.split(' ') ?? [];
  return Number(values[names.indexOf('ListenOverflows')] ?? 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startTracker(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@streamrp2p/source',
      '--import',
      'tsx',
      'packages/tracker/src/cli.ts',
      '--port',
      '0',
      // Every client comes from 127.0.0.1: lift the per-IP limit for the bench.
      '--max-peers-per-ip',
      '1000000',
    ],
    {
      cwd: root,
      env: { ...process.env, DEBUG: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.add(child);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tracker exited with ${code}: ${out}`)));
  });
  return { child, url };
}

async function trackerSockets(url: string): Promise<number> {
  try {
    const stats = (await (await fetch(`${url}/stats`)).json()) as { sockets: number };
    return stats.sockets;
  } catch {
    return 0;
  }
}

interface Worker {
  child: ChildProcess;
  progress: ProgressMessage | undefined;
  result: ResultMessage | undefined;
}

function startWorkers(params: LoadParams, url: string): Worker[] {
  const workers: Worker[] = [];
  for (let index = 0; index < params.processes; index++) {
    const child = fork(join(root, 'bench/tracker/client-worker.ts'), [], {
      execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    const worker: Worker = { child, progress: undefined, result: undefined };
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') worker.progress = message;
      else worker.result = message;
    });
    const peers =
      Math.floor(params.peers / params.processes) +
      (index < params.peers % params.processes ? 1 : 0);
    const start: ParentMessage = {
      type: 'start',
      url,
      index,
      workers: params.processes,
      peers,
      ratePerSecond: params.joinRate / params.processes,
      swarms: params.swarms,
      // Its own source address, so each worker has the whole ephemeral port range.
      localAddress: `127.0.0.${index + 1}`,
      maxErrors: Math.max(20, Math.ceil(peers * 0.01)),
    };
    child.send(start);
    workers.push(worker);
  }
  return workers;
}

async function collect(workers: Worker[], timeoutMs: number): Promise<ResultMessage[]> {
  for (const w of workers) w.child.send({ type: 'report' } satisfies ParentMessage);
  const until = Date.now() + timeoutMs;
  while (workers.some((w) => w.result === undefined) && Date.now() < until) await sleep(50);
  return workers.flatMap((w) => (w.result === undefined ? [] : [w.result]));
}

async function run(params: LoadParams, results: LoadResults, deadline: number): Promise<void> {
  const tracker = await startTracker();
  const pid = tracker.child.pid!;
  await sleep(1000);
  const rssBefore = readStatus(pid, 'VmRSS');
  const cpuBefore = cpuSeconds(pid);
  const rampStart = Date.now();
  const overflowsBefore = listenOverflows();
  const machineBefore = machineCpu();
  const workers = startWorkers(params, tracker.url);
  const workersCpu = () =>
    workers.reduce((n, w) => n + (w.child.exitCode === null ? cpuSeconds(w.child.pid!) : 0), 0);
  let peak = 0;
  let rssPeak = rssBefore;
  const log = setInterval(() => {
    const opened = workers.reduce((n, w) => n + (w.progress?.opened ?? 0), 0);
    const joined = workers.reduce((n, w) => n + (w.progress?.joined ?? 0), 0);
    const errors = workers.reduce((n, w) => n + (w.progress?.errors ?? 0), 0);
    process.stdout.write(
      `  opened ${opened}, joined ${joined}, errors ${errors}, tracker sockets ${peak}\n`,
    );
  }, 5000);
  try {
    while (Date.now() < deadline - 15_000) {
      peak = Math.max(peak, await trackerSockets(tracker.url));
      rssPeak = Math.max(rssPeak, readStatus(pid, 'VmRSS'));
      if (workers.every((w) => w.progress?.done)) break;
      if (workers.some((w) => w.child.exitCode !== null))
        throw new Error('a client process exited');
      await sleep(250);
    }
  } finally {
    clearInterval(log);
  }
  const rampSeconds = (Date.now() - rampStart) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const clientCpu = workersCpu();
  const machineAfter = machineCpu();
  // Busy cores of the whole machine during the ramp; minus ours, what other work used.
  const machineCores =
    ((machineAfter.busy - machineBefore.busy) /
      Math.max(1, machineAfter.total - machineBefore.total)) *
    cpus().length;
  // Let the last signals arrive, hold everyone connected (pings must be answered), then
  // measure the tracker at rest.
  const holdUntil = Math.min(Date.now() + 2000 + params.hold * 1000, deadline - 12_000);
  const cpuHoldStart = cpuSeconds(pid);
  const holdStart = Date.now();
  while (Date.now() < holdUntil) {
    rssPeak = Math.max(rssPeak, readStatus(pid, 'VmRSS'));
    await sleep(500);
  }
  const cpuIdle =
    (cpuSeconds(pid) - cpuHoldStart) / Math.max(0.001, (Date.now() - holdStart) / 1000);
  const held = await trackerSockets(tracker.url);
  peak = Math.max(peak, held);
  rssPeak = Math.max(rssPeak, readStatus(pid, 'VmRSS'));
  const parts = await collect(workers, 10_000);
  const all = <K extends 'upgradeMs' | 'connectMs' | 'joinMs' | 'signalMs'>(key: K) =>
    parts.flatMap((p) => p[key]);
  const errors: Record<string, number> = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + v;
  const joined = all('joinMs').length;
  Object.assign(results, {
    complete: parts.length === workers.length && Date.now() < deadline,
    maxConcurrentPeers: peak,
    heldAtEnd: held,
    joined,
    errors,
    rampSeconds: round(rampSeconds),
    achievedJoinRate: round(joined / rampSeconds, 0),
    upgrade: latency(all('upgradeMs')),
    connect: latency(all('connectMs')),
    join: latency(all('joinMs')),
    signal: {
      ...latency(all('signalMs')),
      sent: parts.reduce((n, p) => n + p.signalsSent, 0),
      acked: parts.reduce((n, p) => n + p.signalAcksOk, 0),
    },
    tracker: {
      rssBeforeMiB: round(rssBefore / 2 ** 20),
      rssPeakMiB: round(rssPeak / 2 ** 20),
      bytesPerPeer: peak === 0 ? null : Math.round((rssPeak - rssBefore) / peak),
      cpuCoresDuringRamp: round(cpu / rampSeconds, 2),
      cpuMsPerJoin: joined === 0 ? null : round((cpu * 1000) / joined, 3),
      cpuCoresHolding: round(cpuIdle, 3),
    },
    clientCpuCoresDuringRamp: round(clientCpu / rampSeconds, 2),
    listenOverflows: listenOverflows() - overflowsBefore,
    machineBusyCoresDuringRamp: round(machineCores, 2),
  } satisfies Partial<LoadResults>);
  for (const w of workers) w.child.send({ type: 'stop' } satisfies ParentMessage);
  await sleep(500);
}

function emptyResults(params: LoadParams): LoadResults {
  const none = latency([]);
  return {
    benchmark: 'tracker',
    generatedAt: new Date().toISOString(),
    complete: false,
    params,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      openFilesLimit: openFilesLimit(),
    },
    maxConcurrentPeers: 0,
    heldAtEnd: 0,
    clientCpuCoresDuringRamp: 0,
    listenOverflows: 0,
    machineBusyCoresDuringRamp: 0,
    joined: 0,
    errors: {},
    rampSeconds: 0,
    achievedJoinRate: 0,
    upgrade: none,
    connect: none,
    join: none,
    signal: { ...none, sent: 0, acked: 0 },
    tracker: {
      rssBeforeMiB: 0,
      rssPeakMiB: 0,
      bytesPerPeer: null,
      cpuCoresDuringRamp: 0,
      cpuMsPerJoin: null,
      cpuCoresHolding: 0,
    },
  };
}

function write(results: LoadResults, out: string): void {
  const dir = resolve(root, out);
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(join(dir, `tracker-${results.generatedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(dir, 'tracker-latest.json'), json);
  const earlier = readdirSync(dir)
    .filter((f) => /^tracker-\d.*\.json$/.test(f))
    .sort()
    .slice(-12)
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as LoadResults);
  writeFileSync(join(dir, 'tracker-latest.md'), markdown(results, earlier));
}

async function main(): Promise<number> {
  let params: LoadParams | undefined;
  try {
    params = parseLoadArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench:tracker: ${err.message}\n${HELP}`);
    return 2;
  }
  if (params === undefined) {
    process.stdout.write(HELP);
    return 0;
  }
  const results = emptyResults(params);
  const deadline = Date.now() + params.seconds * 1000;
  process.stdout.write(
    `bench:tracker: ${params.peers} peers at ${params.joinRate}/s over ${params.swarms} swarms, ` +
      `${params.processes} client process(es), hold ${params.hold} s, limit ${params.seconds} s, open files ${results.machine.openFilesLimit}\n`,
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`hard limit of ${params.seconds} s reached`)),
      params.seconds * 1000,
    ).unref(),
  );
  let code = 0;
  try {
    await Promise.race([run(params, results, deadline), timeout]);
  } catch (err) {
    results.complete = false;
    results.error = err instanceof Error ? err.message : String(err);
    code = 1;
  } finally {
    killAll();
  }
  write(results, params.out);
  process.stdout.write(`\n${textTable(results)}\n\nwrote ${params.out}/tracker-latest.{json,md}\n`);
  if (results.error !== undefined) process.stderr.write(`bench:tracker: ${results.error}\n`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench:tracker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    killAll();
    process.exit(1);
  },
);
