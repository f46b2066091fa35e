/** Node-only helpers of the protocol (node:crypto): `@streamrp2p/protocol/node`. */
export {
  issueMeetingTicket,
  openMeetingTicket,
  signMeetingTicket,
  verifyMeetingTicket,
} from './meeting-tickets.js';
