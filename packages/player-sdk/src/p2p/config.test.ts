import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_CONFIG, mergeEngineConfig, type EngineOptions } from './config.js';
import { SdkError, SdkErrorCode } from '../errors.js';

const REQUIRED = { streamId: 'demo-stream_1.a', trackerUrl: 'http://127.0.0.1:8090' };

function rejection(options: Record<string, unknown>): SdkError {
  try {
    mergeEngineConfig(options as unknown as EngineOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(SdkError);
    return error as SdkError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('mergeEngineConfig', () => {
  it('fills every optional field from the defaults', () => {
    expect(mergeEngineConfig(REQUIRED)).toEqual({ ...DEFAULT_ENGINE_CONFIG, ...REQUIRED });
  });

  it('has the documented defaults, frozen', () => {
    expect(DEFAULT_ENGINE_CONFIG).toMatchObject({
      maxPeers: 10,
      maxUploadKbps: Infinity,
      consumeOnly: 'auto',
      storeMaxBytes: 96 * 1024 * 1024,
      keepBehindSegments: 6,
      peerResponseTimeoutMs: 3000,
      peerStallTimeoutMs: 2000,
      httpStaggerMs: 800,
      maxPeerWaitMs: 4000,
      neighbourSettleMs: 3000,
      deadlineMarginMs: 1500,
    });
    expect(Object.isFrozen(DEFAULT_ENGINE_CONFIG)).toBe(true);
  });

  it('does not let a caller change the defaults through the result', () => {
    const config = mergeEngineConfig(REQUIRED);
    config.maxPeers = 99;
    expect(DEFAULT_ENGINE_CONFIG.maxPeers).toBe(10);
    expect(mergeEngineConfig(REQUIRED).maxPeers).toBe(10);
  });

  it('drops undefined values instead of overwriting defaults with them', () => {
    const config = mergeEngineConfig({
      ...REQUIRED,
      maxPeers: undefined,
      consumeOnly: undefined,
      iceServers: undefined,
      deadlineMarginMs: undefined,
    });
    expect(config.maxPeers).toBe(10);
    expect(config.consumeOnly).toBe('auto');
    expect(config.iceServers).toEqual(DEFAULT_ENGINE_CONFIG.iceServers);
    expect(config.deadlineMarginMs).toBe(1500);
  });

  it('keeps falsy values that are valid (0 and false are not "unset")', () => {
    const config = mergeEngineConfig({
      ...REQUIRED,
      consumeOnly: false,
      httpStaggerMs: 0,
      keepBehindSegments: 0,
      maxPeerWaitMs: 0,
      deadlineMarginMs: 0,
      iceServers: [],
    });
    expect(config).toMatchObject({
      consumeOnly: false,
      httpStaggerMs: 0,
      keepBehindSegments: 0,
      maxPeerWaitMs: 0,
      deadlineMarginMs: 0,
      iceServers: [],
    });
  });

  it('takes the values a caller sets', () => {
    const config = mergeEngineConfig({
      ...REQUIRED,
      peerId: 'me-1',
      maxPeers: 3,
      maxUploadKbps: 400,
      consumeOnly: false,
      storeMaxBytes: 1024,
    });
    expect(config).toMatchObject({
      peerId: 'me-1',
      maxPeers: 3,
      maxUploadKbps: 400,
      storeMaxBytes: 1024,
    });
  });

  it('accepts ws(s) and https tracker URLs', () => {
    for (const trackerUrl of ['ws://t:1', 'wss://t.example.com', 'https://t.example.com/x']) {
      expect(mergeEngineConfig({ ...REQUIRED, trackerUrl }).trackerUrl).toBe(trackerUrl);
    }
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['missing streamId', { streamId: undefined }, 'streamId'],
    ['empty streamId', { streamId: '' }, 'streamId'],
    ['streamId with a space', { streamId: 'a b' }, 'streamId'],
    ['streamId with a colon (the swarm key separator)', { streamId: 'a:b' }, 'streamId'],
    ['streamId of 129 characters', { streamId: 'x'.repeat(129) }, 'streamId'],
    ['missing trackerUrl', { trackerUrl: undefined }, 'trackerUrl'],
    ['trackerUrl without a scheme', { trackerUrl: 'tracker.example.com' }, 'trackerUrl'],
    ['ftp trackerUrl', { trackerUrl: 'ftp://tracker.example.com' }, 'trackerUrl'],
    ['trackerUrl not a string', { trackerUrl: 8090 }, 'trackerUrl'],
    ['peerId with a slash', { peerId: 'a/b' }, 'peerId'],
    ['empty peerId', { peerId: '' }, 'peerId'],
    ['maxPeers 0', { maxPeers: 0 }, 'maxPeers'],
    ['maxPeers negative', { maxPeers: -1 }, 'maxPeers'],
    ['maxPeers fractional', { maxPeers: 2.5 }, 'maxPeers'],
    ['maxPeers NaN', { maxPeers: Number.NaN }, 'maxPeers'],
    ['maxPeers as a string', { maxPeers: '4' }, 'maxPeers'],
    ['maxUploadKbps 0', { maxUploadKbps: 0 }, 'maxUploadKbps'],
    ['maxUploadKbps negative', { maxUploadKbps: -100 }, 'maxUploadKbps'],
    ['maxUploadKbps NaN', { maxUploadKbps: Number.NaN }, 'maxUploadKbps'],
    ['maxUploadKbps as a string', { maxUploadKbps: '400' }, 'maxUploadKbps'],
    ['storeMaxBytes 0', { storeMaxBytes: 0 }, 'storeMaxBytes'],
    ['storeMaxBytes negative', { storeMaxBytes: -1 }, 'storeMaxBytes'],
    ['peerResponseTimeoutMs 0', { peerResponseTimeoutMs: 0 }, 'peerResponseTimeoutMs'],
    ['peerStallTimeoutMs negative', { peerStallTimeoutMs: -5 }, 'peerStallTimeoutMs'],
    ['keepBehindSegments negative', { keepBehindSegments: -1 }, 'keepBehindSegments'],
    ['httpStaggerMs NaN', { httpStaggerMs: Number.NaN }, 'httpStaggerMs'],
    ['maxPeerWaitMs negative', { maxPeerWaitMs: -1 }, 'maxPeerWaitMs'],
    ['neighbourSettleMs negative', { neighbourSettleMs: -1 }, 'neighbourSettleMs'],
    ['deadlineMarginMs negative', { deadlineMarginMs: -1 }, 'deadlineMarginMs'],
    ['deadlineMarginMs null', { deadlineMarginMs: null }, 'deadlineMarginMs'],
    ['consumeOnly a string', { consumeOnly: 'yes' }, 'consumeOnly'],
    ['consumeOnly a number', { consumeOnly: 1 }, 'consumeOnly'],
    ['iceServers not an array', { iceServers: { urls: 'stun:x' } }, 'iceServers'],
  ];

  it.each(invalid)('rejects %s with INVALID_CONFIG naming the field', (_name, patch, field) => {
    const error = rejection({ ...REQUIRED, ...patch });
    expect(error.code).toBe(SdkErrorCode.InvalidConfig);
    expect(error.message).toContain(field);
  });

  it('rejects consumeOnly: true with an upload cap, saying both names', () => {
    const error = rejection({ ...REQUIRED, consumeOnly: true, maxUploadKbps: 400 });
    expect(error.code).toBe(SdkErrorCode.InvalidConfig);
    expect(error.message).toContain('consumeOnly');
    expect(error.message).toContain('maxUploadKbps');
  });

  it('accepts consumeOnly: true alone, and an upload cap with consumeOnly false or auto', () => {
    expect(mergeEngineConfig({ ...REQUIRED, consumeOnly: true }).consumeOnly).toBe(true);
    expect(
      mergeEngineConfig({ ...REQUIRED, consumeOnly: true, maxUploadKbps: undefined }).consumeOnly,
    ).toBe(true);
    expect(
      mergeEngineConfig({ ...REQUIRED, consumeOnly: false, maxUploadKbps: 400 }).maxUploadKbps,
    ).toBe(400);
    expect(
      mergeEngineConfig({ ...REQUIRED, consumeOnly: 'auto', maxUploadKbps: 400 }).maxUploadKbps,
    ).toBe(400);
  });
});
