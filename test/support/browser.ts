import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; no test tool can download a browser on our machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags measured to work headless as root here (see ../shared/ENVIRONMENT.md). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  // Plain ICE host candidates instead of mDNS names, so peers on loopback can connect. And no
  // omnibox popups: Chromium 156 preloads two WebUI pages (chrome://omnibox-popup.top-chrome/)
  // in a renderer of their own for every browser context, headless too, which took as much
  // CPU as the page itself while each viewer joined (see ../shared/ENVIRONMENT.md).
  '--disable-features=WebRtcHideLocalIpsWithMdns,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
  // Background tabs must keep playing and sharing like foreground ones.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/**
 * Whether browser tests can run. With CI=true a missing browser is a failure, never a skip:
 * callers use `describe.skipIf(!browserAvailable())`, and this throws first in CI.
 */
export function browserAvailable(): boolean {
  const present = existsSync(CHROMIUM_PATH);
  if (!present && process.env.CI) {
    throw new Error(
      `CI=true but Chromium is missing at ${CHROMIUM_PATH}: install it (apt-get install chromium)`,
    );
  }
  if (!present) console.warn(`SKIPPING browser tests: no Chromium at ${CHROMIUM_PATH}`);
  return present;
}

/**
 * Launches headless Debian Chromium with the flags our tests rely on. With `nice` (1..19), the
 * browser and every process it starts run at that lower CPU priority (benchmarks: the viewers'
 * machine below the servers it talks to, which stand in for other machines).
 */
export async function launchBrowser({ nice = 0 }: { nice?: number } = {}): Promise<Browser> {
  const executablePath = nice > 0 ? await niceLauncher(nice) : CHROMIUM_PATH;
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A script that starts Chromium under `nice -n <nice>`: its children inherit the priority. */
async function niceLauncher(nice: number): Promise<string> {
  if (!Number.isInteger(nice) || nice < 1 || nice > 19) throw new RangeError(`nice ${nice}`);
  const path = join(tmpdir(), `streamrp2p-chromium-nice-${nice}.sh`);
  const script = `#!/bin/sh\nexec nice -n ${nice} ${JSON.stringify(CHROMIUM_PATH)} "$@"\n`;
  await writeFile(path, script, { mode: 0o755 });
  return path;
}

/** Playback state the demo pages' probe keeps in `window.__playback`. */
export interface PlaybackState {
  startupMs: number | null;
  currentTime: number;
  ended: boolean;
  stalls: number;
  stallMs: number;
  fatalError: { type: string; details: string } | null;
  errors: { type: string; details: string; fatal: boolean }[];
  fragments: number;
}

/** Reads the page's playback probe. */
export async function playbackState(page: Page): Promise<PlaybackState> {
  return page.evaluate(() => (window as unknown as { __playback: PlaybackState }).__playback);
}

/** Polls `check` every 250 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Forwards page errors and console errors to the test output, to make failures readable. */
export function logPageProblems(page: Page, label: string): void {
  page.on('pageerror', (error) => console.error(`[${label}] page error:`, error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[${label}] console:`, message.text());
  });
}
