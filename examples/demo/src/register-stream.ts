import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CreateStreamRequest, StreamResponse } from '@streamrp2p/protocol';
import type {
  CreatedApiKeyResponse,
  CreateApiKeyRequest,
  SignedInResponse,
  SignUpRequest,
} from '@streamrp2p/protocol/api-schemas';

/** The studio account that owns the demo stream: what `npm start` prints to sign in with. */
export interface DemoAccount {
  email: string;
  password: string;
  streamerId: string;
}

/** What the demo remembers between runs of `npm start`, so its stream keeps its id. */
interface DemoStreamState {
  coordinatorDb: string;
  apiKey: string;
  streamId: string;
  /** Absent in state files written before the demo had an account: those register anew. */
  account?: DemoAccount;
}

/** The demo stream and the account that owns it. */
export interface DemoRegistration {
  streamId: string;
  account: DemoAccount;
}

interface CallOptions {
  body?: unknown;
  apiKey?: string;
  /** A studio session: its cookie and CSRF token. */
  session?: { cookie: string; csrfToken: string };
}

async function call<T>(method: string, url: string, options: CallOptions = {}): Promise<T> {
  const { body, apiKey, session } = options;
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...(session ? { Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
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
): Promise<DemoRegistration | undefined> {
  if (!state?.account || state.coordinatorDb !== coordinatorDb) return undefined;
  const url = `${coordinatorUrl}/api/streams/${encodeURIComponent(state.streamId)}`;
  try {
    const stream = await call<StreamResponse>('GET', url, { apiKey: state.apiKey });
    if (stream.hlsUrl !== hlsUrl)
      await call('PATCH', url, { body: { hlsUrl }, apiKey: state.apiKey });
    return { streamId: stream.streamId, account: state.account };
  } catch {
    return undefined;
  }
}

/**
 * Signs up a studio account as a streamer would in the studio: a random email and password
 * (the data folder's own), then an API key created with the studio session, for the demo
 * itself to register its stream with.
 */
async function createAccount(
  coordinatorUrl: string,
): Promise<{ account: DemoAccount; apiKey: string }> {
  const signUp: SignUpRequest = {
    email: `demo-${randomBytes(4).toString('hex')}@streamrp2p.test`,
    password: randomBytes(12).toString('base64url'),
    name: 'StreamrP2P demo',
  };
  const response = await fetch(`${coordinatorUrl}/api/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(signUp),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST /api/accounts answered ${response.status}: ${text}`);
  const signedIn = JSON.parse(text) as SignedInResponse;
  // The session cookie's name=value, without its attributes, is what a browser sends back.
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const streamerId = signedIn.account.streamerId;
  const keyRequest: CreateApiKeyRequest = { name: 'npm start' };
  const created = await call<CreatedApiKeyResponse>(
    'POST',
    `${coordinatorUrl}/api/streamers/${encodeURIComponent(streamerId)}/api-keys`,
    { body: keyRequest, session: { cookie, csrfToken: signedIn.csrfToken } },
  );
  await call('POST', `${coordinatorUrl}/api/auth/sign-out`, {
    session: { cookie, csrfToken: signedIn.csrfToken },
  });
  return {
    account: { email: signUp.email, password: signUp.password, streamerId },
    apiKey: created.apiKey,
  };
}

/**
 * Registers the demo's live stream at the coordinator under a studio account (created here),
 * so the studio shows it once signed in with the account's email and password. With
 * `persist`, a later run on the same database reuses the account and the stream (and its id),
 * pointing the stream at the new URL; the state file keeps the password for `npm start` to
 * print.
 */
export async function registerDemoStream(
  coordinatorUrl: string,
  hlsUrl: string,
  persist?: { stateFile: string; coordinatorDb: string },
): Promise<DemoRegistration> {
  if (persist) {
    const reused = await reuse(
      coordinatorUrl,
      hlsUrl,
      await readState(persist.stateFile),
      persist.coordinatorDb,
    );
    if (reused) return reused;
  }
  const { account, apiKey } = await createAccount(coordinatorUrl);
  const request: CreateStreamRequest = { hlsUrl, title: 'Live test stream' };
  const stream = await call<StreamResponse>('POST', `${coordinatorUrl}/api/streams`, {
    body: request,
    apiKey,
  });
  if (persist) {
    const state: DemoStreamState = {
      coordinatorDb: persist.coordinatorDb,
      apiKey,
      streamId: stream.streamId,
      account,
    };
    await mkdir(dirname(persist.stateFile), { recursive: true });
    // The file holds a password and a key: readable by its owner only.
    await writeFile(persist.stateFile, JSON.stringify(state, null, 2));
    await chmod(persist.stateFile, 0o600);
  }
  return { streamId: stream.streamId, account };
}
