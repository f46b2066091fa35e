/**
 * Compile-time checks of the event maps: `tsc -p packages/player-sdk/tsconfig.json` (the
 * `typecheck` script CI runs) fails when an `@ts-expect-error` line below compiles, so a typo'd
 * event name or a wrong payload type can never be accepted again. The runtime test only keeps
 * vitest from reporting an empty file.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CoordinatorClient, CoordinatorEvents, HlsP2P, P2PEngine } from './index.js';
import type { PlayerHandle } from './player/index.js';
import type { EngineEvents } from './p2p/engine-types.js';
import type { PlayerEvents } from './player/player.js';

function engineChecks(engine: P2PEngine): void {
  engine.on('segment-loaded', (event) => {
    expectTypeOf(event.source).toEqualTypeOf<EngineEvents['segment-loaded']['source']>();
    expectTypeOf(event.bytes).toBeNumber();
  });
  engine.once('ready', ({ peerId }) => expectTypeOf(peerId).toBeString());
  // @ts-expect-error: no such event
  engine.on('segment-laoded', () => {});
  // @ts-expect-error: no such event
  engine.once('segment-laoded', () => {});
  // @ts-expect-error: no such event
  engine.off('segment-laoded', () => {});
  // @ts-expect-error: `ready` carries `{ peerId: string }`, not a number
  engine.on('ready', (payload: number) => payload);
  // @ts-expect-error: `emit` is not public API
  engine.emit('ready', { peerId: 'p' });
}

function playerChecks(player: PlayerHandle): void {
  player.on('playback-mode', ({ mode, p2p }) => {
    expectTypeOf(mode).toEqualTypeOf<PlayerEvents['playback-mode']['mode']>();
    expectTypeOf(p2p).toBeBoolean();
  });
  // Every engine event is a player event.
  player.on('peer-banned', ({ reason }) => expectTypeOf(reason).toBeString());
  // @ts-expect-error: no such event
  player.on('playback-eror', () => {});
  // @ts-expect-error: `chat-message` does not carry a string
  player.on('chat-message', (message: string) => message);
}

function hlsP2PChecks(p2p: HlsP2P): void {
  p2p.on('peer-connect', ({ peerId }) => expectTypeOf(peerId).toBeString());
  // @ts-expect-error: no such event
  p2p.on('segment-laoded', () => {});
  // @ts-expect-error: `uploaded` carries an object, not bytes
  p2p.once('uploaded', (bytes: number) => bytes);
  // @ts-expect-error: `consumeOnly` is true, false or 'auto'
  p2p.setOptions({ consumeOnly: 'sometimes' });
}

function coordinatorChecks(client: CoordinatorClient): void {
  client.on('points', ({ awarded }) => expectTypeOf(awarded).toBeNumber());
  // @ts-expect-error: no such event
  client.on('point', () => {});
  // @ts-expect-error: `emit` is not public API
  client.emit('vip', { balance: 1 });
}

describe('event maps', () => {
  it('have no index signature: only their own names are keys', () => {
    expectTypeOf<'segment-laoded'>().not.toMatchTypeOf<keyof EngineEvents>();
    expectTypeOf<'playback-eror'>().not.toMatchTypeOf<keyof PlayerEvents>();
    expectTypeOf<'point'>().not.toMatchTypeOf<keyof CoordinatorEvents>();
    expect([engineChecks, playerChecks, hlsP2PChecks, coordinatorChecks]).toHaveLength(4);
  });
});
