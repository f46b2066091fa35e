/**
 * The player's community feed in Chromium against a real coordinator (PGlite): the feed chunk
 * (bundled from source as the SDK's lazy chunk is) shows a goal's progress bar and a fresh
 * social-proof toast, a new event as a toast on a later poll, stops polling while the tab is
 * hidden and polls at once when it shows again, and "Join squad" joins with the viewer's own
 * secret. Screenshot in test-results/community/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '@streamrp2p/coordinator';
import { credit, nameViewer } from '../../packages/coordinator/test/community-setup.js';
import {
  DAY,
  insertReceivers,
  insertSupporter,
} from '../../packages/coordinator/test/economics-setup.js';
import type { mountCommunity } from '../../packages/player-sdk/src/player/community/community-ui.js';
import { browserAvailable, launchBrowser, logPageProblems, waitFor } from '../support/browser.js';

const SHOTS = 'test-results/community';
const CHUNK = fileURLToPath(
  new URL('../../packages/player-sdk/src/player/community/community-ui.ts', import.meta.url),
);

/** The chunk as an IIFE exposing `window.Community.mountCommunity`. */
async function bundleChunk(): Promise<string> {
  const out = await build({
    entryPoints: [CHUNK],
    bundle: true,
    format: 'iife',
    globalName: 'Community',
    write: false,
    conditions: ['@streamrp2p/source'],
    target: 'es2020',
  });
  return out.outputFiles[0]!.text;
}

describe.skipIf(!browserAvailable())('community feed in the player', () => {
  let browser: Browser;
  let coordinator: Coordinator;
  let url: string;

  beforeAll(async () => {
    coordinator = createCoordinator({
      port: 0,
      dataDir: 'memory://',
      communityIntervalMs: 0,
      creditRollupIntervalMs: 0,
      indexerEnabled: false,
    });
    [browser, { url }] = await Promise.all([launchBrowser(), coordinator.start()]);
  });

  afterAll(async () => {
    await browser?.close();
    await coordinator?.close();
  });

  it('shows goal progress and toasts, pauses while hidden, joins the squad', async () => {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, string>;
    };
    const db = coordinator.db;
    const { streamerId, apiKey } = await post('/api/streamers', { name: 'Night owls' });
    const { streamId } = await post(
      '/api/streams',
      { hlsUrl: 'https://cdn.example.com/live/master.m3u8', title: 'Late show' },
      apiKey,
    );
    await post(
      `/api/streamers/${streamerId}/goals`,
      { title: 'Save $0.10 together', targetMicros: 100_000, streamId },
      apiKey,
    );
    const now = new Date();
    const receivers = await insertReceivers(db, streamId!, now);
    const ada = await insertSupporter(db, streamId!, {
      firstSessionAt: new Date(now.getTime() - DAY),
      passed: 0,
    });
    await nameViewer(db, ada.viewerId, 'Ada', now);
    await credit(db, streamId!, ada, receivers, 600_000_000, now);
    await coordinator.flushCredits();
    await coordinator.runCommunity();

    const page: Page = await browser.newPage({ viewport: { width: 800, height: 450 } });
    // Toasts without their fade, so the screenshot shows them whole.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    logPageProblems(page, 'community');
    // A document of the coordinator's origin, so its reads are same-origin loopback requests.
    await page.goto(`${url}/api/openapi.json`);
    await page.setContent(`<!doctype html><html lang="en"><head><title>Community</title><link rel="icon" href="data:," /></head>
      <body style="margin:0;background:#111">
        <div id="player" style="position:relative;width:800px;height:450px;
          background:linear-gradient(135deg,#1d2b53,#7e2553)"></div>
      </body></html>`);
    await page.addScriptTag({ content: await bundleChunk() });
    await page.evaluate(
      ({ base, streamId, viewerId, secret }) => {
        const w = window as unknown as {
          Community: { mountCommunity: typeof mountCommunity };
          __polls: number;
        };
        w.__polls = 0;
        const viewer = (streamerId: string, method: string, body?: unknown) =>
          fetch(`${base}/api/viewers/${viewerId}/squads/${streamerId}`, {
            method,
            headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          }).then((r) => r.json() as Promise<{ member: boolean }>);
        w.Community.mountCommunity({
          container: document.getElementById('player')!,
          pollMs: 250,
          toastMs: 600,
          fetchFeed: () => {
            w.__polls++;
            return fetch(`${base}/api/streams/${streamId}/community`, { cache: 'no-store' }).then(
              (r) => r.json(),
            );
          },
          squad: {
            isMember: async (streamerId) => (await viewer(streamerId, 'GET')).member,
            join: async (streamerId) => void (await viewer(streamerId, 'POST', { streamId })),
            leave: async (streamerId) => void (await viewer(streamerId, 'DELETE')),
          },
        });
      },
      { base: url, streamId: streamId!, viewerId: ada.viewerId, secret: ada.secret },
    );

    const bar = page.getByRole('progressbar', { name: 'Save $0.10 together' });
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('30');
    await page.getByText('Ada is now helping power this stream').waitFor();

    // A new fact: more credit, a GB crossed, the goal's progress; the next poll shows them.
    const later = new Date();
    await credit(db, streamId!, ada, receivers, 600_000_000, later);
    await coordinator.flushCredits();
    await coordinator.runCommunity();
    await waitFor(
      async () => (await bar.getAttribute('aria-valuenow')) === '60',
      10_000,
      'the goal bar at 60%',
    );
    await page.getByText('Viewers have now shared 1 GB of this stream with each other').waitFor();

    // Hidden: no polls (four intervals pass); shown: a poll at once.
    const polls = () => page.evaluate(() => (window as unknown as { __polls: number }).__polls);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const hiddenAt = await polls();
    await page.waitForTimeout(1000);
    expect(await polls()).toBeLessThanOrEqual(hiddenAt + 1); // one may have been in flight
    const before = await polls();
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'visible',
      });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(async () => (await polls()) > before, 5000, 'a poll when the tab shows');

    const join = page.getByRole('button', { name: /Join squad/ });
    await join.click();
    await page.getByRole('button', { name: /In the squad/ }).waitFor();
    const stats = await fetch(`${url}/api/streamers/${streamerId}/squad`);
    expect(((await stats.json()) as { members: number }).members).toBe(1);
    await page.getByText('Ada joined the support squad').waitFor();

    await mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/feed.png` });
    await page.close();
  });
});
