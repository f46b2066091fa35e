// Records what a viewer experiences: startup time, stalls, errors, progress.
// Tests and benchmarks read `window.__playback`; the demo pages print it.
(function () {
  function createPlaybackProbe(video) {
    const state = {
      createdAt: performance.now(),
      startupMs: null,
      currentTime: 0,
      ended: false,
      stalls: 0,
      stallMs: 0,
      stalledSince: null,
      fatalError: null,
      errors: [],
      fragments: 0,
      // Levels (indexes into hls.levels) in the order they played, from LEVEL_SWITCHED.
      levelSwitches: [],
    };
    window.__playback = state;

    const beginStall = () => {
      if (state.startupMs === null || state.stalledSince !== null || state.ended) return;
      state.stalls += 1;
      state.stalledSince = performance.now();
    };
    const endStall = () => {
      if (state.stalledSince === null) return;
      state.stallMs += performance.now() - state.stalledSince;
      state.stalledSince = null;
    };
    video.addEventListener('playing', () => {
      if (state.startupMs === null) state.startupMs = performance.now() - state.createdAt;
      endStall();
    });
    video.addEventListener('waiting', beginStall);
    video.addEventListener('timeupdate', () => {
      state.currentTime = video.currentTime;
      if (!video.paused && video.readyState >= 3) endStall();
    });
    video.addEventListener('ended', () => {
      state.ended = true;
      endStall();
    });

    return {
      state,
      attachHls(hls) {
        // A player playing natively (no Media Source Extensions) has no hls.js instance.
        if (!hls) return;
        hls.on('hlsError', (_event, data) => {
          const entry = { type: data.type, details: data.details, fatal: Boolean(data.fatal) };
          if (state.errors.length < 50) state.errors.push(entry);
          if (data.fatal) state.fatalError = entry;
        });
        hls.on('hlsFragBuffered', () => {
          state.fragments += 1;
        });
        // Fired when the fragment at the playhead comes from another level than the last one.
        hls.on('hlsLevelSwitched', (_event, data) => {
          const switches = state.levelSwitches;
          if (switches[switches.length - 1] === data.level || switches.length >= 1000) return;
          switches.push(data.level);
        });
      },
      /** Stall time including a stall still in progress. */
      totalStallMs() {
        const open = state.stalledSince === null ? 0 : performance.now() - state.stalledSince;
        return state.stallMs + open;
      },
      describe() {
        const startup = state.startupMs === null ? '…' : `${Math.round(state.startupMs)} ms`;
        return [
          `time      ${video.currentTime.toFixed(1)} s`,
          `startup   ${startup}`,
          `stalls    ${state.stalls} (${(this.totalStallMs() / 1000).toFixed(1)} s)`,
          `fragments ${state.fragments}`,
          `errors    ${state.errors.length}${state.fatalError ? ' (fatal: ' + state.fatalError.details + ')' : ''}`,
        ].join('\n');
      },
    };
  }
  window.createPlaybackProbe = createPlaybackProbe;
})();
