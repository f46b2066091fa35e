/**
 * Chat in the embedded player (issue 13, decision 40), in Chromium against the demo stack: two
 * viewers (separate browser profiles, so separate viewer ids) of the script-tag embed with
 * `data-streamrp2p-chat` chat with each other; the streamer, in the studio's moderation panel, deletes
 * one viewer's message (it leaves the other's panel) and mutes the other viewer (its next message
 * is refused, and it is told so). Screenshots at 1280 and 390 px in test-results/community/.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '@streamrp2p/demo';
import { browserAvailable, launchBrowser, logPageProblems } from '../support/browser.js';

const SHOTS = 'test-results/community';

/** The demo's embed page with the chat panel on, as a site would write it. */
const page = (src: string, config: { streamId: string; tracker: string; coordinator: string }) =>
  `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Chat test</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/demo.css" />
  </head>
  <body>
    <main>
      <h1>Chat</h1>
      <div class="player"
        data-streamrp2p-src="${src}"
        data-streamrp2p-stream="${config.streamId}"
        data-streamrp2p-tracker="${config.tracker}"
        data-streamrp2p-coordinator="${config.coordinator}"
        data-streamrp2p-consume-only="true"
        data-streamrp2p-rewards="false"
        data-streamrp2p-chat></div>
    </main>
    <script src="/sdk/streamrp2p.iife.js"></script>
  </body>
</html>`;

async function openViewer(
  browser: Browser,
  demo: DemoStack,
  client: string,
  width: number,
): Promise<Page> {
  // A profile of its own: its own stored viewer id.
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
  });
  const tab = await context.newPage();
  logPageProblems(tab, client);
  // A document of the demo's origin (see player-rewards.test.ts).
  await tab.goto(`${demo.url}demo.css`);
  await tab.setContent(
    page(`${demo.origin.url}/live/master.m3u8?client=${client}`, {
      streamId: demo.streamId,
      tracker: demo.trackerUrl,
      coordinator: demo.coordinatorUrl!,
    }),
  );
  // The panel loads once the video plays.
  await tab.locator('.srp-chat-toggle').click({ timeout: 30_000 });
  await tab.locator('.srp-chat-note').getByText('You chat as').waitFor({ timeout: 10_000 });
  return tab;
}

async function say(tab: Page, text: string): Promise<void> {
  await tab.locator('.srp-chat-form input').fill(text);
  await tab.locator('.srp-chat-form input').press('Enter');
}

const line = (tab: Page, text: string) => tab.locator('.srp-chat-list li', { hasText: text });

/** The streamer's studio, signed in, on the stream's page (its chat moderation panel). */
async function openStudio(browser: Browser, demo: DemoStack): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await context.newPage();
  logPageProblems(tab, 'studio');
  await tab.goto(demo.studioUrl!);
  await tab.getByLabel('Email').fill(demo.account!.email);
  await tab.getByLabel('Password').fill(demo.account!.password);
  await tab.keyboard.press('Enter');
  await tab.getByRole('heading', { name: 'Streams', level: 1 }).waitFor();
  await tab.goto(`${demo.studioUrl}#/streams/${encodeURIComponent(demo.streamId)}`);
  await tab.getByTestId('chat-moderation').waitFor();
  return tab;
}

describe.skipIf(!browserAvailable())('chat in the embedded player (Chromium)', () => {
  let demo: DemoStack;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    demo = await startDemoStack({ coordinator: { dataDir: 'memory://' } });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('two viewers chat; the streamer deletes a message and mutes a viewer', async () => {
    const [a, b] = await Promise.all([
      openViewer(browser, demo, 'chat-a', 1280),
      openViewer(browser, demo, 'chat-b', 390),
    ]);
    await say(a, 'Hello from A');
    await line(b, 'Hello from A').waitFor();
    await say(b, 'Hi A, B here');
    await line(a, 'Hi A, B here').waitFor();
    // Names are pseudonyms, never viewer ids.
    expect(await line(a, 'Hi A, B here').locator('.srp-chat-name').textContent()).toMatch(
      /^Viewer [0-9a-f]{4}$/,
    );

    // The streamer moderates from the studio's panel (it reads the room every 3 s).
    const studio = await openStudio(browser, demo);
    const panel = studio.getByTestId('chat-moderation');
    const studioLine = (text: string) => panel.locator('.chat-line', { hasText: text });
    await studioLine('Hello from A').getByRole('button', { name: 'Delete' }).click();
    await line(b, 'Hello from A').waitFor({ state: 'detached' });
    await line(a, 'Hello from A').waitFor({ state: 'detached' });
    await studioLine('Hello from A').waitFor({ state: 'detached' });

    await studioLine('Hi A, B here').getByRole('button', { name: 'Mute 10 min' }).click();
    await b.locator('.srp-chat-note').getByText('The streamer muted you').waitFor();
    await panel.getByRole('list', { name: 'Muted viewers' }).waitFor();
    await say(b, 'Am I muted?');
    await b.locator('.srp-chat-error').getByText('The streamer muted you until').waitFor();
    await say(a, 'A still talks');
    await line(b, 'A still talks').waitFor();
    expect(await line(a, 'Am I muted?').count()).toBe(0);

    await a.screenshot({ path: `${SHOTS}/chat-1280.png` });
    await panel.screenshot({ path: `${SHOTS}/chat-moderation-1280.png` });
    await studio.setViewportSize({ width: 390, height: 844 });
    await panel.screenshot({ path: `${SHOTS}/chat-moderation-390.png` });
    await b.screenshot({ path: `${SHOTS}/chat-390.png` });
  });
});
