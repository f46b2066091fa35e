import type { Browser, Page } from 'playwright-core';
import type { DemoStack } from '@streamrp2p/demo';
import type { PlayerStats } from '@streamrp2p/player-sdk/player';
import { logPageProblems, playbackState, waitFor, type PlaybackState } from './browser.js';

/** What a test reads from an SDK page (`sdk.html`). */
export interface SdkPageState {
  stats: PlayerStats;
  playback: PlaybackState;
  segments: {
    rendition: string;
    sequence: number;
    source: string;
    bytes: number;
    p2pBytes: number;
    httpBytes: number;
    peerId: string | undefined;
    verified: boolean;
  }[];
  errors: { code: string; message: string }[];
  banned: { peerId: string; reason: string }[];
  integrityFailures: { peerId: string; rendition: string; sequence: number }[];
  points: { awarded: number; balance: number; multiplier: number }[];
  receipts: { credited: number; duplicates: number; rejected: number }[];
}

/** Opens `sdk.html` on the demo's live stream, attributed to `client` at the origin. */
export async function openSdkPage(
  browser: Browser,
  demo: DemoStack,
  client: string,
  extra: Record<string, string> = {},
  /** Runs before the page loads (to route its requests, say). */
  prepare?: (page: Page) => Promise<unknown>,
): Promise<Page> {
  const page = await browser.newPage();
  logPageProblems(page, client);
  await prepare?.(page);
  const query = new URLSearchParams({
    src: `${demo.origin.url}/live/master.m3u8?client=${client}`,
    ...extra,
  });
  await page.goto(`${demo.url}sdk.html?${query}`);
  await waitFor(
    async () => (await playbackState(page))?.startupMs != null,
    30_000,
    `${client} to start playing`,
  );
  return page;
}

export async function sdkState(page: Page): Promise<SdkPageState> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __player: { getStats(): PlayerStats };
      __playback: PlaybackState;
      __events: Pick<
        SdkPageState,
        'segments' | 'errors' | 'banned' | 'integrityFailures' | 'points' | 'receipts'
      >;
    };
    return {
      stats: w.__player.getStats(),
      playback: w.__playback,
      segments: w.__events.segments,
      errors: w.__events.errors,
      banned: w.__events.banned,
      integrityFailures: w.__events.integrityFailures,
      points: w.__events.points,
      receipts: w.__events.receipts,
    };
  });
}
