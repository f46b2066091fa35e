// The supporter page: a P2P engine without a video element. It follows the live playlists like
// a player would (asking the engine for each new segment, which fetches it from peers or over
// HTTP and keeps it to serve), and shows what it served and what the coordinator credited.
//
// Background tabs throttle timers (Chromium: wake-ups once a second when hidden, once a minute
// for chained timers after five minutes), so the follow loop is not driven by the page's timers:
// a dedicated worker (not throttled) posts a tick every second, and each tick polls the
// playlists. Serving itself needs no timer: peers' requests arrive as WebRTC events.
//
// Query parameters: src (master playlist), stream, cap (kbit/s, 0 for none), rendition,
// clock=page (page timers instead of the worker: to measure what the worker saves).
/* global StreamrP2P */ // the SDK's script-tag build, loaded before this file
(async function () {
  // The engine's API comes in the embed's P2P file, which the embed loads on demand.
  const sdk = await StreamrP2P.loadP2P();
  const config = window.DEMO_CONFIG;
  const params = new URLSearchParams(location.search);
  const masterUrl = params.get('src') ?? `${config.origin}/live/master.m3u8`;
  const streamId = params.get('stream') ?? config.streamId;
  /** How far ahead of its use a segment is asked for: a player's buffer. */
  const BUFFER_MS = 4000;
  const TICK_MS = 1000;
  const CREDIT_EVERY_TICKS = 3;
  /** Bytes of a chunk: the unit earnings count (the coordinator's CHUNK_BYTES). */
  const CHUNK_BYTES = 16_384;
  const $ = (id) => document.getElementById(id);

  const state = {
    startedAt: Date.now(),
    ticks: 0,
    hiddenTicks: 0,
    hiddenMs: 0,
    hiddenSince: document.visibilityState === 'hidden' ? Date.now() : undefined,
    sources: { http: 0, p2p: 0, cache: 0 },
    renditions: [],
    credit: undefined,
    /** Settled earnings, read by the engine's session once it proved the viewer. */
    rewards: undefined,
    creditError: undefined,
    errors: [],
    /** Samples a test reads: what was served and credited, and whether the tab was hidden. */
    samples: [],
  };
  let engine;
  let creditBusy = false;

  // Upload cap: the query string, else the select's default.
  const capSelect = $('cap');
  if (params.has('cap')) {
    const cap = params.get('cap') === '0' ? '' : params.get('cap');
    if (![...capSelect.options].some((o) => o.value === cap))
      capSelect.add(new Option(`${cap} kbit/s`, cap));
    capSelect.value = cap;
  }
  const capKbps = () => (capSelect.value === '' ? undefined : Number(capSelect.value));

  function createEngine() {
    const created = new sdk.P2PEngine({
      streamId,
      trackerUrl: config.tracker,
      coordinatorUrl: config.coordinator,
      iceServers: [],
      // Opening this page is the choice to upload, metered connection or not.
      consumeOnly: false,
      maxUploadKbps: capKbps(),
    });
    created.on('error', (e) => pushError(`${e.code}: ${e.message}`));
    created.on('upload-policy', (policy) => (state.uploadPolicy = policy));
    return created;
  }

  function pushError(message) {
    state.errors.push({ at: Date.now(), message });
    if (state.errors.length > 50) state.errors.shift();
  }

  // The cap changes while the engine runs: peers keep their connections.
  capSelect.addEventListener('change', () => {
    engine.setUploadPolicy({ maxUploadKbps: capKbps() ?? Infinity });
  });

  // --- Playlists -------------------------------------------------------------------------

  function lines(text) {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean);
  }

  function parseMaster(text, url) {
    const renditions = [];
    let bandwidth;
    for (const line of lines(text)) {
      if (line.startsWith('#EXT-X-STREAM-INF:')) {
        bandwidth = Number(/BANDWIDTH=(\d+)/.exec(line)?.[1] ?? 0);
      } else if (!line.startsWith('#') && bandwidth !== undefined) {
        const playlist = new URL(line, url).href;
        renditions.push({ id: sdk.renditionId(playlist), url: playlist, bandwidth });
        bandwidth = undefined;
      }
    }
    return renditions;
  }

  function parseMedia(text, url) {
    let sequence = 0;
    const segments = [];
    for (const line of lines(text)) {
      if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) sequence = Number(line.slice(22));
      else if (!line.startsWith('#'))
        segments.push({ sequence: sequence++, url: new URL(line, url).href });
    }
    return segments;
  }

  async function fetchText(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.text();
  }

  async function loadMaster() {
    const all = parseMaster(await fetchText(masterUrl), masterUrl);
    if (all.length === 0) throw new Error(`no renditions in ${masterUrl}`);
    const select = $('rendition');
    for (const r of all)
      select.add(new Option(`${r.id} (${Math.round(r.bandwidth / 1000)} kbit/s)`, r.id));
    if (params.has('rendition')) select.value = params.get('rendition');
    const choose = () => {
      state.renditions = all
        .filter((r) => select.value === '' || r.id === select.value)
        .map((r) => ({ ...r, next: undefined, busy: false, loaded: 0, latest: undefined }));
    };
    select.addEventListener('change', choose);
    choose();
  }

  /** Asks the engine for every segment of `r` not asked for yet, oldest first. */
  async function follow(r) {
    if (r.busy) return;
    r.busy = true;
    const owner = engine;
    try {
      const segments = parseMedia(await fetchText(r.url), r.url);
      if (segments.length === 0) return;
      // Start like a player, three segments from the live edge; after a long pause (a frozen
      // tab), skip what left the playlist.
      r.next ??= segments[Math.max(0, segments.length - 3)].sequence;
      r.next = Math.max(r.next, segments[0].sequence);
      for (const segment of segments) {
        if (segment.sequence < r.next || owner !== engine) continue;
        const result = await owner.loadSegment({
          rendition: r.id,
          sequence: segment.sequence,
          url: segment.url,
          deadlineMs: BUFFER_MS,
          live: true,
        });
        state.sources[result.source] += 1;
        r.loaded += 1;
        r.latest = segment.sequence;
        // Segments up to `keepBehindSegments` behind this stay in the store to serve.
        owner.setPlayhead(r.id, segment.sequence, true);
        r.next = segment.sequence + 1;
      }
    } catch (error) {
      if (owner === engine) pushError(String(error));
    } finally {
      if (owner === engine) r.busy = false;
    }
  }

  // --- Credit ------------------------------------------------------------------------------

  async function refreshCredit() {
    const viewerId = engine.getStats().viewerId;
    if (!config.coordinator || !viewerId || creditBusy) return;
    creditBusy = true;
    try {
      const url = `${config.coordinator}/api/viewers/${encodeURIComponent(viewerId)}/credit`;
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) throw new Error(`credit answered ${response.status}`);
      state.credit = await response.json();
      state.creditError = undefined;
      // Settled earnings need the session's secret, which stays in the engine.
      if (state.credit.creditedBytes > 0 && engine.coordinator) {
        state.rewards = await engine.coordinator.rewardFigures().catch(() => state.rewards);
      }
    } catch (error) {
      state.creditError = String(error);
    } finally {
      creditBusy = false;
    }
  }

  // --- Figures -----------------------------------------------------------------------------

  function bytes(n) {
    if (n < 1024) return `${n} B`;
    const units = ['KB', 'MB', 'GB', 'TB'];
    let value = n / 1000;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit += 1;
    }
    return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
  }

  function money(micros) {
    const rates = config.rates;
    return new Intl.NumberFormat('en', {
      style: 'currency',
      currency: (rates?.currency ?? 'usd').toUpperCase(),
      minimumFractionDigits: 2,
      maximumFractionDigits: micros < 10_000 ? 6 : 4,
    }).format(micros / 1e6);
  }

  /** Earnings of `creditBytes` at the rate, before bonus, QoS and cap (see the page's note). */
  function estimateMicros(creditBytes) {
    const rate = config.rates?.earningsMicrosPerKiloChunk ?? 0;
    return Math.floor((Math.ceil(creditBytes / CHUNK_BYTES) * rate) / 1000);
  }

  function duration(ms) {
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  }

  function served() {
    return engine.getStats().uploadedBytes;
  }

  function hiddenMsNow() {
    return state.hiddenMs + (state.hiddenSince === undefined ? 0 : Date.now() - state.hiddenSince);
  }

  function render() {
    const stats = engine.getStats();
    const credit = state.credit;
    const ready = stats.peerId !== undefined;
    const pill = $('state');
    pill.className = `pill ${ready ? 'ok' : 'warn'}`;
    pill.textContent = !ready
      ? 'Connecting…'
      : stats.peers > 0
        ? `Serving ${stats.peers} peer${stats.peers === 1 ? '' : 's'}`
        : 'Ready, waiting for viewers';
    $('peers').textContent = String(stats.peers);
    $('served').textContent = bytes(served());
    $('served-note').textContent = capKbps()
      ? `sent to peers, capped at ${capSelect.selectedOptions[0].text}`
      : 'sent to peers, no cap';
    $('viewer-id').textContent = stats.viewerId ?? '…';
    $('following').textContent =
      state.renditions
        .map((r) => `${r.id}${r.latest === undefined ? '' : ` #${r.latest}`}`)
        .join(', ') || '…';
    $('held').textContent = `${bytes(stats.storeBytes)} in memory`;
    $('fetched').textContent = `${state.sources.p2p} from peers, ${state.sources.http} over HTTP`;
    const hidden = hiddenMsNow();
    $('hidden').textContent =
      hidden === 0
        ? 'not yet'
        : `${duration(hidden)}${state.hiddenSince === undefined ? '' : ' (now)'}`;

    if (!config.coordinator) {
      $('credited').textContent = '—';
      $('credited-note').textContent = 'no coordinator: nothing is credited';
      $('earnings').textContent = '—';
      return;
    }
    if (!credit) {
      $('credited').textContent = state.creditError ? '?' : '…';
      return;
    }
    $('credited').textContent = bytes(credit.creditedBytes);
    $('credited-note').textContent =
      credit.frozenBytes > 0
        ? `${bytes(credit.frozenBytes)} held for review`
        : 'verified by the viewers you served';
    const rates = config.rates;
    $('earnings').textContent = rates ? money(estimateMicros(credit.payableBytes)) : '—';
    const settled = state.rewards?.earnings;
    $('earnings-note').textContent = [
      !rates
        ? 'rate unknown'
        : credit.payableBytes > 0
          ? `estimate from ${bytes(credit.payableBytes)} payable`
          : `${money(estimateMicros(credit.creditedBytes - credit.frozenBytes))} once payable`,
      settled ? `settled this month ${money(settled.earnedThisMonthMicros)}` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    renderReputation(credit, rates);
  }

  function renderReputation(credit, rates) {
    const threshold = rates?.payableReputation;
    const payable = $('payable');
    const isPayable =
      credit.payableBytes > 0 || (threshold !== undefined && credit.reputation >= threshold);
    payable.className = `pill ${isPayable ? 'ok' : 'warn'}`;
    payable.textContent = `${Math.round(credit.reputation * 100)}% ${isPayable ? 'payable' : 'not payable yet'}`;
    $('reputation-summary').textContent =
      (threshold === undefined ? '' : `Credit is payable from ${Math.round(threshold * 100)}%. `) +
      'Reputation grows with time serving (maturity, full after 2 hours), fast and verified deliveries, and receivers on distinct networks.';
    const names = {
      uptime: 'Uptime',
      latency: 'Latency',
      success: 'Success',
      diversity: 'Diversity',
      age: 'Maturity',
    };
    const list = $('parts');
    list.replaceChildren();
    for (const [key, label] of Object.entries(names)) {
      const value = credit.reputationParts[key] ?? 0;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.innerHTML = `<span class="meter" aria-hidden="true"><span style="width:${Math.round(value * 100)}%"></span></span><span class="value">${Math.round(value * 100)}%</span>`;
      list.append(dt, dd);
    }
    if (rates) {
      const perGb = estimateMicros(1e9);
      $('earnings-method').innerHTML =
        `<strong>Estimated earnings</strong> are an estimate: payable credit in chunks of 16 KiB times this coordinator's rate, ${money(rates.earningsMicrosPerKiloChunk)} per 1,000 chunks (about ${money(perGb)} per GB served). ` +
        'Actual earnings are settled when the streamer closes a period, with an uptime bonus, a quality multiplier and a monthly cap, and only from revenue the streamer recorded: "settled this month" shows them once there are.';
    }
  }

  // --- The loop ----------------------------------------------------------------------------

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') state.hiddenSince ??= Date.now();
    else if (state.hiddenSince !== undefined) {
      state.hiddenMs += Date.now() - state.hiddenSince;
      state.hiddenSince = undefined;
    }
  });

  function tick() {
    state.ticks += 1;
    const hidden = document.visibilityState === 'hidden';
    if (hidden) state.hiddenTicks += 1;
    if (state.renditions.length === 0) {
      if (state.ticks % 5 === 1) loadMaster().catch((error) => pushError(String(error)));
    } else for (const r of state.renditions) void follow(r);
    if (state.ticks % CREDIT_EVERY_TICKS === 0) {
      void refreshCredit().then(() => {
        state.samples.push({
          at: Date.now(),
          hidden: document.visibilityState === 'hidden',
          servedBytes: served(),
          creditedBytes: state.credit?.creditedBytes ?? 0,
        });
        if (state.samples.length > 2000) state.samples.shift();
      });
    }
    // A hidden tab paints nothing: skip the DOM work until it shows again.
    if (!hidden) render();
  }

  engine = createEngine();
  window.__support = { engine, state, served, hiddenMs: hiddenMsNow };
  document.addEventListener(
    'visibilitychange',
    () => document.visibilityState === 'visible' && render(),
  );

  let worker;
  try {
    if (params.get('clock') === 'page') throw new Error('page clock asked for');
    worker = new Worker('/support-worker.js');
    worker.postMessage({ intervalMs: TICK_MS });
    worker.onmessage = tick;
    state.clock = 'worker';
  } catch {
    // No workers (a locked-down browser): page timers, throttled while hidden.
    setInterval(tick, TICK_MS);
    state.clock = 'page';
  }
  tick();
  window.addEventListener('pagehide', () => {
    worker?.terminate();
    void engine.destroy();
  });
})();
