/**
 * Schemas of viewer accounts and follows (issue 13, decision 39): an anonymous viewer claims an
 * account (email, password, display name) and keeps its viewer id; signing in on another device
 * answers that id and a device secret; a viewer follows streamers.
 */
import { Type, type Static } from '@sinclair/typebox';
import { SignInRequest } from './accounts.js';
import { Closed, DateTime, Id, Text } from './builders.js';
import { PointsStatus } from './responses.js';

/** Display name length limits, in characters, after trimming. */
export const MIN_DISPLAY_NAME_LENGTH = 2;
export const MAX_DISPLAY_NAME_LENGTH = 32;

// The streamers' rules, one schema each: an email of at most 254 characters, a password of
// 10 to 200.
const Email = () => SignInRequest.properties.email;
const Password = () => SignInRequest.properties.password;
/** Bounded here; the character rules (letters, digits, `._'-` and spaces) are checked in code. */
const DisplayName = () =>
  Text({
    maxLength: 64,
    description: `${MIN_DISPLAY_NAME_LENGTH} to ${MAX_DISPLAY_NAME_LENGTH} letters, digits, spaces and . _ ' - after trimming; names like "moderator" or "streamer" are refused`,
  });

/** `POST /api/viewers/:viewerId/account`, with a session secret that proved the viewer. */
export const ClaimViewerAccountRequest = Closed({
  email: Email(),
  password: Password(),
  displayName: DisplayName(),
});

/** `PATCH /api/viewers/:viewerId/account`. */
export const UpdateViewerAccountRequest = Closed({ displayName: DisplayName() });

/** `POST /api/viewer-accounts/sign-in`. */
export const ViewerSignInRequest = Closed({
  email: Email(),
  password: Password(),
  deviceName: Type.Optional(
    Text({ maxLength: 200, description: 'What the device calls itself (a user agent)' }),
  ),
});

export const ViewerAccountResponse = Closed({
  viewerId: Type.String(),
  email: Type.String({ description: 'Lower-cased' }),
  displayName: Type.String(),
  createdAt: DateTime(),
  lastSignInAt: Type.Union([DateTime(), Type.Null()]),
});

/** A device just signed in: the only answer that holds its secret. */
export const ViewerSignedInResponse = Closed({
  account: ViewerAccountResponse,
  viewerId: Type.String({ description: "The account's viewer id: this device's from now on" }),
  viewerSecret: Type.String({
    description:
      "Shown once (only its hash is stored): send as viewerSecret when creating sessions; revoked at this device's sign-out",
  }),
  deviceId: Type.String(),
});

/** `POST /api/viewers/:viewerId/follows`: follow the stream's streamer. */
export const FollowRequest = Closed({ streamId: Id('The stream followed from') });

export const FollowResponse = Closed({
  streamerId: Type.String(),
  followedAt: DateTime(),
  /** Points paid now: 25 the first time ever, else 0 (see `PointsResponse`). */
  awarded: Type.Integer({ minimum: 0, description: 'Points paid for this follow (once ever)' }),
  balance: Type.Integer({ minimum: 0 }),
  status: PointsStatus,
  followers: Type.Integer({ minimum: 0, description: "The streamer's followers now" }),
});

export const FollowedStreamer = Closed({
  streamerId: Type.String(),
  name: Type.String(),
  followedAt: DateTime(),
});

export const FollowsResponse = Closed({
  follows: Type.Array(FollowedStreamer, { description: 'Newest first, at most 1,000' }),
});

/** `GET /api/streams/:streamId/followers` (public). */
export const StreamFollowersResponse = Closed({
  streamId: Type.String(),
  streamerId: Type.String(),
  followers: Type.Integer({ minimum: 0, description: "Viewers following the stream's streamer" }),
});

export const FollowPath = Type.Object({ viewerId: Id(), streamerId: Id() });

export type ClaimViewerAccountRequest = Static<typeof ClaimViewerAccountRequest>;
export type UpdateViewerAccountRequest = Static<typeof UpdateViewerAccountRequest>;
export type ViewerSignInRequest = Static<typeof ViewerSignInRequest>;
export type ViewerAccountResponse = Static<typeof ViewerAccountResponse>;
export type ViewerSignedInResponse = Static<typeof ViewerSignedInResponse>;
export type FollowRequest = Static<typeof FollowRequest>;
export type FollowResponse = Static<typeof FollowResponse>;
export type FollowedStreamer = Static<typeof FollowedStreamer>;
export type FollowsResponse = Static<typeof FollowsResponse>;
export type StreamFollowersResponse = Static<typeof StreamFollowersResponse>;
