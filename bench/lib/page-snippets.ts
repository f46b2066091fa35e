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
