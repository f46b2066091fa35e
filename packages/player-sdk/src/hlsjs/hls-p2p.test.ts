import Hls, {
  ErrorDetails,
  ErrorTypes,
  type ErrorData,
  type FragLoadedData,
  type FragmentLoaderContext,
  type HlsConfig,
  type Loader,
  type LoaderCallbacks,
  type LoaderConfiguration,
  type LoaderStats,
  type ManifestParsedData,
} from 'hls.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SdkErrorCode } from '../errors.js';
import { BUFFER_STALLED_ERROR, HLS_EVENTS } from './hls-events.js';
import { addP2P, type HlsP2P } from './hls-p2p.js';
import { renditionId } from './hls-loader.js';
import { emptyStats } from './loader-stats.js';

// Never contacted: connections wait for the first fragment, and the tests stub that step.
const OPTIONS = { streamId: 'demo', trackerUrl: 'http://127.0.0.1:9' };

const LADDER = ['http://origin/live/360p/index.m3u8', 'http://origin/live/720p/index.m3u8'];

/** A developer's own fragment loader: P2P must hand it what it does not serve. */
class OwnFragmentLoader implements Loader<FragmentLoaderContext> {
  static loads: FragmentLoaderContext[] = [];
  context: FragmentLoaderContext | null = null;
  stats: LoaderStats = emptyStats();
  load(context: FragmentLoaderContext): void {
    OwnFragmentLoader.loads.push(context);
  }
  abort(): void {}
  destroy(): void {}
}

let hls: Hls | undefined;
let p2p: HlsP2P | undefined;
afterEach(async () => {
  hls?.destroy();
  await p2p?.destroy();
  hls = p2p = undefined;
});

function manifestParsed(): ManifestParsedData {
  return {
    levels: LADDER.map((uri) => ({ uri })),
    firstLevel: 0,
    audioTracks: [],
    subtitleTracks: [],
  } as unknown as ManifestParsedData;
}

/** An init segment's FRAG_LOADED: enough for hls.js' own listeners, which run before ours. */
function fragLoaded(): FragLoadedData {
  return {
    frag: { type: 'main', sn: 'initSegment', stats: emptyStats() },
    part: null,
  } as unknown as FragLoadedData;
}

function stall(details: ErrorDetails): ErrorData {
  return { type: ErrorTypes.MEDIA_ERROR, details, fatal: false } as ErrorData;
}

describe('addP2P', () => {
  it('names the hls.js events and error it listens to as hls.js does', () => {
    expect(HLS_EVENTS).toEqual({
      MANIFEST_PARSED: Hls.Events.MANIFEST_PARSED,
      FRAG_LOADED: Hls.Events.FRAG_LOADED,
      ERROR: Hls.Events.ERROR,
      DESTROYING: Hls.Events.DESTROYING,
    });
    expect(BUFFER_STALLED_ERROR).toBe(Hls.ErrorDetails.BUFFER_STALLED_ERROR);
  });

  it('sets the fragment loader on the developer’s instance, keeps their loader for the rest, and defers connections', () => {
    hls = new Hls({ fLoader: OwnFragmentLoader, maxBufferLength: 12 });
    p2p = addP2P(hls, OPTIONS);
    expect(hls.config.fLoader).not.toBe(OwnFragmentLoader);
    expect(hls.config.maxBufferLength).toBe(12);
    expect(p2p.engine.config.deferConnections).toBe(true);

    // An init segment is not P2P's: the developer's loader gets it.
    const Loader = hls.config.fLoader!;
    const init = {
      url: 'http://origin/live/360p/init.mp4',
      frag: { sn: 'initSegment', type: 'main', level: 0 },
      part: null,
    } as unknown as FragmentLoaderContext;
    new Loader(hls.config as HlsConfig).load(
      init,
      {} as LoaderConfiguration,
      {} as LoaderCallbacks<FragmentLoaderContext>,
    );
    expect(OwnFragmentLoader.loads).toEqual([init]);
  });

  it('prepares the ladder on MANIFEST_PARSED, opens connections on the first FRAG_LOADED only (no media: at once), counts stalls', () => {
    hls = new Hls();
    p2p = addP2P(hls, OPTIONS);
    const prepare = vi.spyOn(p2p.engine, 'prepare');
    const open = vi.spyOn(p2p.engine, 'openConnections').mockImplementation(() => {});
    const reportStall = vi.spyOn(p2p.engine, 'reportStall');

    hls.trigger(Hls.Events.MANIFEST_PARSED, manifestParsed());
    expect(prepare).toHaveBeenCalledWith(LADDER.map(renditionId));

    expect(open).not.toHaveBeenCalled();
    hls.trigger(Hls.Events.FRAG_LOADED, fragLoaded());
    hls.trigger(Hls.Events.FRAG_LOADED, fragLoaded());
    expect(open).toHaveBeenCalledOnce();

    hls.trigger(Hls.Events.ERROR, stall(ErrorDetails.BUFFER_STALLED_ERROR));
    hls.trigger(Hls.Events.ERROR, stall(ErrorDetails.BUFFER_NUDGE_ON_STALL));
    expect(reportStall).toHaveBeenCalledOnce();
  });

  it('starts nothing of P2P until a task after the first frame plays', async () => {
    hls = new Hls();
    p2p = addP2P(hls, OPTIONS);
    const open = vi.spyOn(p2p.engine, 'openConnections').mockImplementation(() => {});
    const connect = vi.spyOn(p2p.engine, 'connect').mockImplementation(() => {});
    // A media element that has loaded nothing yet (hls.js keeps the attached one in `_media`).
    const media = Object.assign(new EventTarget(), { readyState: 1, paused: true });
    (hls as unknown as { _media: unknown })._media = media;

    hls.trigger(Hls.Events.FRAG_LOADED, fragLoaded());
    media.readyState = 2;
    media.dispatchEvent(new Event('loadeddata'));
    expect(connect).not.toHaveBeenCalled();
    expect(open).not.toHaveBeenCalled();
    media.paused = false;
    media.dispatchEvent(new Event('playing'));
    // Not inside the `playing` event: the frame's own listeners run first.
    expect(open).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(open).toHaveBeenCalledOnce();
    (hls as unknown as { _media: unknown })._media = null;
  });

  it('is destroyed with the hls.js instance', async () => {
    hls = new Hls();
    p2p = addP2P(hls, OPTIONS);
    const destroyEngine = vi.spyOn(p2p.engine, 'destroy');
    hls.destroy();
    hls = undefined;
    expect(destroyEngine).toHaveBeenCalledOnce();
    await p2p.destroy();
    expect(destroyEngine).toHaveBeenCalledOnce();
    await expect(
      p2p.engine.loadSegment({ rendition: 'r', sequence: 1, url: 'u', deadlineMs: 0, live: true }),
    ).rejects.toMatchObject({ code: SdkErrorCode.Destroyed });
  });

  it('destroy() alone leaves hls.js playing over HTTP: its listeners off, its own loader back', async () => {
    hls = new Hls({ fLoader: OwnFragmentLoader });
    p2p = addP2P(hls, OPTIONS);
    const prepare = vi.spyOn(p2p.engine, 'prepare');
    await p2p.destroy();
    expect(hls.config.fLoader).toBe(OwnFragmentLoader);
    hls.trigger(Hls.Events.MANIFEST_PARSED, manifestParsed());
    expect(prepare).not.toHaveBeenCalled();
  });

  it('changes uploading at runtime', () => {
    hls = new Hls();
    p2p = addP2P(hls, { ...OPTIONS, consumeOnly: true });
    const changes: boolean[] = [];
    p2p.on('upload-policy', (state) => changes.push(state.consumeOnly));
    expect(p2p.setOptions({ consumeOnly: false, maxUploadKbps: 800 })).toMatchObject({
      consumeOnly: false,
      maxUploadKbps: 800,
    });
    expect(p2p.getStats()).toMatchObject({ consumeOnly: false, maxUploadKbps: 800 });
    expect(changes).toEqual([false]);
  });
});
