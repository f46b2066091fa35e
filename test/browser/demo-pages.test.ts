/**
 * `npm start`'s first run (issue 12): the demo stream belongs to a studio account the demo
 * creates once per data folder and reuses after a restart; the landing page links every demo
 * page and the studio with that account's credentials, which sign in to a studio showing the
 * demo stream. Screenshots of the landing page at 1280 and 390 px in test-results/demo/.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack, type DemoStackOptions } from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, logPageProblems } from '../support/browser.js';
import { checkAndShoot } from '../support/page-checks.js';

const SHOTS = 'test-results/demo';

describe.skipIf(!browserAvailable())('the demo landing page and its studio account', () => {
  let folder: string;
  let options: DemoStackOptions;
  let demo: DemoStack | undefined;
  let browser: Browser;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'demo-pages-'));
    options = {
      coordinator: { dataDir: join(folder, 'coordinator') },
      stateFile: join(folder, 'demo-stream.json'),
    };
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('creates the account on the first run and reuses it and the stream after a restart', async () => {
    const first = await startDemoStack(options);
    const account = first.account!;
    const streamId = first.streamId;
    await first.close();
    expect(account.email).toMatch(/^demo-[0-9a-f]{8}@streamrp2p\.test$/);
    expect(account.password.length).toBeGreaterThanOrEqual(16);
    const state = JSON.parse(await readFile(options.stateFile!, 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ streamId, account });
    // It holds a password: its owner's alone.
    expect((await stat(options.stateFile!)).mode & 0o077).toBe(0);

    demo = await startDemoStack(options);
    expect(demo.streamId).toBe(streamId);
    expect(demo.account).toEqual(account);
    expect(demo.studioUrl).toBe(`${demo.coordinatorUrl}/studio/`);
  });

  it('links every page and the studio, whose printed credentials show the demo stream', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    logPageProblems(page, 'landing');
    await page.goto(demo!.url);
    await page.getByRole('heading', { name: /A live stream its viewers help deliver/ }).waitFor();
    await page.getByText('Live stream on the air').waitFor();
    const hrefs = await page.$$eval('main a[href]', (links) =>
      links.map((a) => (a as HTMLAnchorElement).href),
    );
    for (const path of ['player.html', 'embed.html', 'sdk.html', 'plain.html', 'support.html']) {
      const url = `${demo!.url}${path}`;
      expect(hrefs).toContain(url);
      expect((await fetch(url)).status, url).toBe(200);
    }
    expect(hrefs).toContain(demo!.studioUrl);
    expect(await page.textContent('#studio-email')).toBe(demo!.account!.email);
    expect(await page.textContent('#studio-password')).toBe(demo!.account!.password);
    expect(await page.textContent('.note')).toMatch(/Two tabs of one browser are one viewer/);
    expect(await page.textContent('#node-command')).toContain(`--stream-id ${demo!.streamId}`);

    const problems = await checkAndShoot(page, SHOTS, 'landing');
    for (const p of problems) {
      expect(p.violations, `axe at ${p.width} px`).toEqual([]);
      expect(p.overflowPx, `sideways scroll at ${p.width} px`).toBeLessThanOrEqual(0);
    }

    // The studio, signed in with what the page shows, lists the demo stream.
    await page.getByRole('link', { name: 'Open the studio' }).click();
    await page.getByRole('heading', { name: 'Sign in to your studio' }).waitFor();
    await page.getByLabel('Email').fill(demo!.account!.email);
    await page.getByLabel('Password').fill(demo!.account!.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Streams', level: 1 }).waitFor();
    await page.getByRole('link', { name: /Live test stream/ }).waitFor();
    await context.close();
  });

  it('moves the player to its own page, with the note and both origin counts', async () => {
    const page = await browser.newPage();
    await page.goto(`${demo!.url}player.html`);
    await page.waitForFunction(
      () =>
        /to viewers\s+\d+ segment requests/.test(
          document.getElementById('origin')!.textContent ?? '',
        ),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.getAttribute('nav a[aria-current="page"]', 'href')).toBe('/player.html');
    const problems = await checkAndShoot(page, SHOTS, 'player');
    for (const p of problems) {
      expect(p.violations, `axe at ${p.width} px`).toEqual([]);
      expect(p.overflowPx, `sideways scroll at ${p.width} px`).toBeLessThanOrEqual(0);
    }
    await page.close();
  });

  it('gives a state file from before accounts an account and a new stream', async () => {
    const stateFile = join(folder, 'old-demo-stream.json');
    await writeFile(
      stateFile,
      JSON.stringify({ coordinatorDb: 'memory://', apiKey: 'old-key', streamId: 'old-stream' }),
    );
    const upgraded = await startDemoStack({ coordinator: { dataDir: 'memory://' }, stateFile });
    try {
      expect(upgraded.streamId).not.toBe('old-stream');
      const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
      expect(state).toMatchObject({ streamId: upgraded.streamId, account: upgraded.account });
    } finally {
      await upgraded.close();
    }
  });
});
