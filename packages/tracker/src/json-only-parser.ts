import { Decoder, Encoder, PacketType } from 'socket.io-parser';

const BINARY_TYPES = new Set([String(PacketType.BINARY_EVENT), String(PacketType.BINARY_ACK)]);

/**
 * socket.io's decoder, refusing binary packets. A binary event announces its attachments in its
 * header and the stock decoder holds the packet and every attachment until the last one arrives,
 * so a client announcing 10 and sending 9 pins them for the life of the socket. The tracker's
 * protocol is JSON only: such a header (or a stray binary frame) throws, and socket.io closes
 * that connection at once, before anything is buffered.
 */
function jsonOnlyDecoder(onRefused: () => void): typeof Decoder {
  return class JsonOnlyDecoder extends Decoder {
    override add(data: unknown): void {
      if (typeof data !== 'string' || BINARY_TYPES.has(data.charAt(0))) {
        onRefused();
        throw new Error('binary packets are not part of the tracker protocol');
      }
      super.add(data);
    }
  };
}

/**
 * The `parser` option of the tracker's socket.io server: the stock encoder, a JSON-only decoder
 * that calls `onRefused` for each connection it ends.
 */
export function jsonOnlyParser(onRefused: () => void): {
  Encoder: typeof Encoder;
  Decoder: typeof Decoder;
} {
  return { Encoder, Decoder: jsonOnlyDecoder(onRefused) };
}
