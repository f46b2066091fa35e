/**
 * Tracker memory per socket under the binary-attachment attack of issue 10: each attacking
 * socket sends a binary event that announces 10 attachments, then 9 of 60 KB, and stays
 * connected. The stock socket.io decoder holds the packet and the 9 buffers until the socket
 * goes (about 635 KiB per socket); the tracker's JSON-only decoder closes the connection at the
 * header. Compared with a normal peer (connected, in one swarm). The tracker runs in this
 * process, the sockets in a child process, and memory is read after a forced GC
 * (heap + external).
 *
 *   node --expose-gc --conditions=@streamrp2p/source --import tsx bench/tracker/binary-attack.ts [sockets] [--stock-parser]
 *
 * Bounded: `sockets` (default 200) per phase, 60 s at most; the child is killed on the way out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createTracker } from '@streamrp2p/tracker';

const ATTACHMENT_BYTES = 60 * 1024;

type Mode = 'normal' | 'attack';

/** Child side: opens `count` raw engine.io websockets and behaves as `mode`, then reports. */
async function runClients(url: string, mode: Mode, count: number): Promise<void> {
  const sockets: WebSocket[] = [];
  let closedEarly = 0;
  const one = (index: number) =>
    new Promise<void>((resolve) => {
      const ws = new WebSocket(
        `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
      );
      sockets.push(ws);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      ws.on('close', () => {
        closedEarly++;
        finish();
      });
      ws.on('error', finish);
      ws.on('message', (data) => {
        const text = String(data);
        if (text === '2') ws.send('3'); // engine.io ping
        if (text.startsWith('0')) ws.send('40{"v":1}');
        if (!text.startsWith('42["welcome"')) {
          if (text.startsWith('430')) finish(); // the join ack
          return;
        }
        if (mode === 'normal') {
          ws.send(`420["join",{"streamId":"bench","rendition":"r${index % 50}"}]`);
          return;
        }
        ws.send('4510-["join",{"_placeholder":true,"num":0}]');
        for (let i = 0; i < 9; i++) ws.send(Buffer.alloc(ATTACHMENT_BYTES, i));
        // Give the frames time to arrive (or the server time to close).
        setTimeout(finish, 200);
      });
    });
  for (let at = 0; at < count; at += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - at) }, (_, k) => one(at + k)));
  }
  process.send!({
    type: 'ready',
    open: sockets.filter((s) => s.readyState === 1).length,
    closedEarly,
  });
  // Stay connected until the parent is done measuring.
  process.on('message', () => process.exit(0));
}

if (process.argv[2] === '--child') {
  await runClients(process.argv[3]!, process.argv[4] as Mode, Number(process.argv[5]));
} else {
  const count = Number(process.argv.find((a, i) => i >= 2 && /^\d+$/.test(a)) ?? 200);
  const stock = process.argv.includes('--stock-parser');
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    process.stderr.write(
      'usage: node --expose-gc ... binary-attack.ts [sockets] [--stock-parser]\n',
    );
    process.exit(2);
  }
  const children: ChildProcess[] = [];
  process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
  setTimeout(() => {
    process.stderr.write('binary-attack: 60 s limit reached\n');
    process.exit(1);
  }, 60_000).unref();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const memory = async () => {
    await sleep(300);
    gc();
    await sleep(100);
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };

  const tracker = createTracker({
    port: 0,
    maxSocketsPerIp: 1_000_000,
    maxPeersPerIpPerSwarm: 1_000_000,
  });
  if (stock) {
    // The stock decoder, as before the fix, for the comparison.
    (tracker.io as unknown as { _parser: unknown })._parser = await import('socket.io-parser');
  }
  const { url } = await tracker.start();

  const phase = async (mode: Mode) => {
    const before = await memory();
    const child = fork(fileURLToPath(import.meta.url), ['--child', url, mode, String(count)], {
      execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const report = await new Promise<{ open: number; closedEarly: number }>((resolve) =>
      child.once('message', (m) => resolve(m as { open: number; closedEarly: number })),
    );
    const after = await memory();
    child.send('done');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(500);
    return { ...report, perSocketKiB: (after - before) / count / 1024 };
  };

  const normal = await phase('normal');
  const attack = await phase('attack');
  await tracker.close();
  const rows: Array<[string, string]> = [
    ['decoder', stock ? 'socket.io stock' : 'tracker JSON-only'],
    ['sockets per phase', String(count)],
    [
      'normal peer: KiB per socket (still open)',
      `${normal.perSocketKiB.toFixed(1)} (${normal.open})`,
    ],
    [
      'attacker (10 announced, 9 x 60 KB sent): KiB per socket (still open)',
      `${attack.perSocketKiB.toFixed(1)} (${attack.open})`,
    ],
    ['attacker / normal', (attack.perSocketKiB / normal.perSocketKiB).toFixed(2)],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(70)} ${value}`);
}
