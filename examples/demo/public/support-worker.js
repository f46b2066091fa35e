// The supporter page's clock. A dedicated worker's timers are not throttled when its page is
// hidden (the page's own are, down to once a minute after five minutes in Chromium), so the
// page follows the live stream on these ticks.
let timer;
self.onmessage = (event) => {
  clearInterval(timer);
  timer = setInterval(() => self.postMessage('tick'), event.data.intervalMs);
};
