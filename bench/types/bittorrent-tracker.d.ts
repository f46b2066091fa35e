/**
 * The part of bittorrent-tracker's server the p2p-media-loader engine uses (the package ships no
 * types): a WebTorrent (WebSocket) tracker on a port of our choice.
 */
declare module 'bittorrent-tracker/server' {
  import type { EventEmitter } from 'node:events';
  import type { Server as HttpServer } from 'node:http';

  interface TrackerServerOptions {
    /** WebSocket tracker (WebTorrent signalling) on the HTTP server. */
    ws?: boolean;
    http?: boolean;
    udp?: boolean;
    /** The `/stats` page. */
    stats?: boolean;
  }

  export default class TrackerServer extends EventEmitter {
    constructor(options?: TrackerServerOptions);
    /** The HTTP server the WebSocket tracker is mounted on (set when `ws` or `http` is on). */
    readonly http: HttpServer | null;
    listen(port: number, hostname: string, onListening?: () => void): void;
    close(callback?: (error?: Error) => void): void;
  }
}
