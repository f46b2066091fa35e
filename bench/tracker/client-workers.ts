/** The client processes of a load run (client-worker.ts over IPC) and their results. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LoadParams } from './args.js';
import type { ParentMessage, ProgressMessage, ResultMessage, WorkerMessage } from './protocol.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Worker {
  child: ChildProcess;
  progress: ProgressMessage | undefined;
  result: ResultMessage | undefined;
}

/**
 * Forks `params.processes` client processes and starts them on the trackers at `urls`;
 * `register` sees each child at once so it is killed whatever happens next.
 */
export function startWorkers(
  root: string,
  params: LoadParams,
  urls: string[],
  register: (child: ChildProcess) => void,
): Worker[] {
  const workers: Worker[] = [];
  for (let index = 0; index < params.processes; index++) {
    const child = fork(join(root, 'bench/tracker/client-worker.ts'), [], {
      execArgv: ['--conditions=@streamrp2p/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    register(child);
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
      urls,
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

/** Asks every worker for its figures; those that do not answer in time are left out. */
export async function collect(workers: Worker[], timeoutMs: number): Promise<ResultMessage[]> {
  for (const w of workers) w.child.send({ type: 'report' } satisfies ParentMessage);
  const until = Date.now() + timeoutMs;
  while (workers.some((w) => w.result === undefined) && Date.now() < until) await sleep(50);
  return workers.flatMap((w) => (w.result === undefined ? [] : [w.result]));
}
