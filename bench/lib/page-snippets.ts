/**
 * In-page JavaScript shared by several engines' init scripts and diagnostics (strings, not
 * functions: see `EngineDefinition.trafficExpression`).
 */

/** Statement: counts the page's RTCPeerConnections, to tell one connection per peer from several. */
export const COUNT_RTC_CONNECTIONS = `{
      const connections = [];
      window.__benchConnections = connections;
      const Native = window.RTCPeerConnection;
      if (Native) {
        window.RTCPeerConnection = class extends Native {
          constructor(...args) {
            super(...args);
            connections.push(this);
          }
        };
      }
    }`;

/** Expression: how many of those connections are in each `connectionState`. */
export const RTC_CONNECTION_STATES =
  '(window.__benchConnections || []).reduce((n, c) => (n[c.connectionState] = (n[c.connectionState] || 0) + 1, n), {})';

/** Statement run in every viewer page first: keeps every resource timing for {@link PAGE_TIMING}. */
export const KEEP_RESOURCE_TIMINGS = 'performance.setResourceTimingBufferSize(5000);';

/**
 * Statement run in every viewer page first: logs each Media Source append as
 * `[epoch ms, bytes]` (at most 5000), read back with {@link MEDIA_APPENDS}. Every engine here
 * appends through `SourceBuffer.appendBuffer` on the main thread, so the log says when each
 * page processed each segment, in one clock for all pages.
 */
export const LOG_MEDIA_APPENDS = `{
      const appends = [];
      window.__benchAppends = appends;
      const append = SourceBuffer.prototype.appendBuffer;
      SourceBuffer.prototype.appendBuffer = function (data) {
        if (appends.length < 5000) appends.push([performance.timeOrigin + performance.now(), data.byteLength]);
        return append.call(this, data);
      };
    }`;

/** Expression: the page's Media Source appends logged by {@link LOG_MEDIA_APPENDS}. */
export const MEDIA_APPENDS = 'window.__benchAppends || []';

/**
 * Expression: where a page's startup went, ms from navigation start: the document, each script
 * (fetched, from the resource timings; evaluated before the next script starts), the probe's
 * creation (the page's player code ran), the first three playlists, the first three media requests (init segment or
 * segment: path, start, first byte, end, initiator, request sent: the origin's
 * `Timing-Allow-Origin` lets the page see the first byte and the queueing before the request)
 * and the first frame. Splits "slow to start" into page load, script, player and
 * first-fragment time.
 */
export const PAGE_TIMING = `(() => {
  const ms = (value) => Math.round(value);
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const path = (name) => new URL(name).pathname;
  const scripts = resources
    .filter((r) => r.initiatorType === 'script')
    .map((r) => [path(r.name), ms(r.startTime), ms(r.responseEnd), r.encodedBodySize]);
  const media = resources.filter((r) => /\\.(ts|m4s|mp4)$/.test(path(r.name)));
  // The first playlists (master, then the first level's): [path, start, end].
  const playlists = resources
    .filter((r) => /\\.m3u8$/.test(path(r.name)))
    .slice(0, 3)
    .map((r) => [path(r.name), ms(r.startTime), ms(r.responseEnd)]);
  const firstMedia = media
    .slice(0, 3)
    .map((r) => [
      path(r.name),
      ms(r.startTime),
      ms(r.responseStart),
      ms(r.responseEnd),
      r.initiatorType,
      ms(r.requestStart),
    ]);
  const p = window.__playback;
  return {
    responseEnd: nav ? ms(nav.responseEnd) : null,
    domInteractive: nav ? ms(nav.domInteractive) : null,
    domContentLoaded: nav ? ms(nav.domContentLoadedEventEnd) : null,
    load: nav ? ms(nav.loadEventEnd) : null,
    scripts,
    probeCreated: p ? ms(p.createdAt) : null,
    firstMediaRequest: firstMedia[0] ?? null,
    firstMedia,
    playlists,
    playing: p && p.startupMs !== null ? ms(p.createdAt + p.startupMs) : null,
    marks: performance.getEntriesByType('mark').map((m) => [m.name, ms(m.startTime)]),
  };
})()`;
