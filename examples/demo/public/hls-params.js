// The hls.js settings a page takes from its query string, read the same way on every demo and
// benchmark page: liveSync=<n> (liveSyncDurationCount: how many target durations behind the
// live edge to play, hls.js' default 3) and worker=0|1|file (hls.js' worker off, on, or on from
// the worker file the embed ships beside itself; without it, hls.js' default, or the player's:
// off on fMP4 streams, from that file on MPEG-TS).
(function () {
  function hlsConfigFromQuery(params) {
    const config = {};
    const liveSync = params.get('liveSync');
    if (liveSync !== null) {
      const count = Number(liveSync);
      if (!/^\d+$/.test(liveSync) || count < 1 || count > 20) {
        throw new Error(`liveSync must be an integer from 1 to 20, got "${liveSync}"`);
      }
      config.liveSyncDurationCount = count;
    }
    if (params.get('worker') === '0') config.enableWorker = false;
    if (params.get('worker') === '1') config.enableWorker = true;
    // The embed's copy of hls.js' worker build (decision 58), for plain hls.js pages.
    if (params.get('worker') === 'file')
      config.workerPath = `/sdk/hls.worker-${window.Hls.version}.js`;
    return config;
  }
  window.hlsConfigFromQuery = hlsConfigFromQuery;
})();
