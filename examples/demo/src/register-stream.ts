import type {
  CreateStreamerResponse,
  CreateStreamRequest,
  StreamResponse,
} from '@streamrp2p/protocol';

async function post<T>(url: string, body: unknown, apiKey?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Registers the demo's live stream at the coordinator, as a streamer would: a streamer
 * account, then the stream. Returns the stream id the pages play under.
 */
export async function registerDemoStream(coordinatorUrl: string, hlsUrl: string): Promise<string> {
  const streamer = await post<CreateStreamerResponse>(`${coordinatorUrl}/api/streamers`, {
    name: 'StreamrP2P demo',
  });
  const request: CreateStreamRequest = { hlsUrl, title: 'Live test stream' };
  const stream = await post<StreamResponse>(
    `${coordinatorUrl}/api/streams`,
    request,
    streamer.apiKey,
  );
  return stream.streamId;
}
