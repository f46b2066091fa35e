import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type {
  CreateStreamerResponse,
  CreateStreamRequest,
  StreamResponse,
} from '@streamrp2p/protocol';

/** What the demo remembers between runs of `npm start`, so its stream keeps its id. */
interface DemoStreamState {
  coordinatorDb: string;
  apiKey: string;
  streamId: string;
}

async function call<T>(method: string, url: string, body?: unknown, apiKey?: string): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function readState(file: string): Promise<DemoStreamState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoStreamState;
  } catch {
    return undefined;
  }
}

/** The stream registered by an earlier run, brought up to date, if that run's database is ours. */
async function reuse(
  coordinatorUrl: string,
  hlsUrl: string,
  state: DemoStreamState | undefined,
  coordinatorDb: string,
): Promise<string | undefined> {
  if (!state || state.coordinatorDb !== coordinatorDb) return undefined;
  const url = `${coordinatorUrl}/api/streams/${encodeURIComponent(state.streamId)}`;
  try {
    const stream = await call<StreamResponse>('GET', url, undefined, state.apiKey);
    if (stream.hlsUrl !== hlsUrl) await call('PATCH', url, { hlsUrl }, state.apiKey);
    return stream.streamId;
  } catch {
    return undefined;
  }
}

/**
 * Registers the demo's live stream at the coordinator, as a streamer would: a streamer
 * account, then the stream. Returns the stream id the pages play under. With `stateFile`, a
 * later run on the same database reuses that stream (and its id), pointing it at the new URL.
 */
export async function registerDemoStream(
  coordinatorUrl: string,
  hlsUrl: string,
  persist?: { stateFile: string; coordinatorDb: string },
): Promise<string> {
  if (persist) {
    const reused = await reuse(
      coordinatorUrl,
      hlsUrl,
      await readState(persist.stateFile),
      persist.coordinatorDb,
    );
    if (reused) return reused;
  }
  const streamer = await call<CreateStreamerResponse>('POST', `${coordinatorUrl}/api/streamers`, {
    name: 'StreamrP2P demo',
  });
  const request: CreateStreamRequest = { hlsUrl, title: 'Live test stream' };
  const stream = await call<StreamResponse>(
    'POST',
    `${coordinatorUrl}/api/streams`,
    request,
    streamer.apiKey,
  );
  if (persist) {
    const state: DemoStreamState = {
      coordinatorDb: persist.coordinatorDb,
      apiKey: streamer.apiKey,
      streamId: stream.streamId,
    };
    await mkdir(dirname(persist.stateFile), { recursive: true });
    await writeFile(persist.stateFile, JSON.stringify(state, null, 2));
  }
  return stream.streamId;
}
