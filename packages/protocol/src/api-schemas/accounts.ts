/**
 * Schemas of the studio's accounts (issue 12, decision 34): sign-up and sign-in with email and
 * password, the signed-in answer with its CSRF token, and a streamer's API keys.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Id, Text } from './builders.js';
import { ReferralCodeInput } from './referrals.js';

const Str = (description?: string) => Type.String(description === undefined ? {} : { description });
const Nullable = <T extends ReturnType<typeof Str>>(schema: T) => Type.Union([schema, Type.Null()]);

/** Longest email address (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** Password length limits, in UTF-16 code units. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** Something@domain.tld without spaces or control characters; compared without regard to case. */
const Email = () =>
  Type.String({
    maxLength: MAX_EMAIL_LENGTH,
    pattern:
      '^[^\\s@\\u0000-\\u001f\\u007f]+@[^\\s@\\u0000-\\u001f\\u007f.]+(\\.[^\\s@\\u0000-\\u001f\\u007f.]+)+$',
    description: 'An email address (at most 254 characters); stored lower-cased',
  });
const Password = () =>
  Text({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    description: `${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; stored only as a scrypt hash`,
  });

export const SignUpRequest = Closed({
  email: Email(),
  password: Password(),
  name: Text({ maxLength: 200, description: "The streamer's display name" }),
  referralCode: Type.Optional(
    ReferralCodeInput(
      "A viewer's or streamer's referral code from the sign-up link (?ref=CODE); a viewer's " +
        "earns that viewer 1% of this streamer's revenue (decision 43); an unknown code is ignored",
    ),
  ),
});

export const SignInRequest = Closed({ email: Email(), password: Password() });

export const AccountResponse = Closed({
  accountId: Str(),
  email: Str('Lower-cased'),
  streamerId: Str(),
  createdAt: DateTime(),
  lastSignInAt: Nullable(DateTime()),
});

export const AccountStreamer = Closed({
  streamerId: Str(),
  name: Str(),
  createdAt: DateTime(),
});

/** `POST /api/accounts`, `POST /api/auth/sign-in` and `GET /api/auth/me`. */
export const SignedInResponse = Closed({
  account: AccountResponse,
  streamer: AccountStreamer,
  csrfToken: Str('Send as X-CSRF-Token with every POST, PATCH or DELETE made with the cookie'),
});

export const CreateApiKeyRequest = Closed({
  name: Text({ maxLength: 100, description: 'What the key is for, shown in lists' }),
});

const apiKeyFields = {
  keyId: Str(),
  name: Str(),
  prefix: Nullable(Str('The first 8 characters; null for a key made before accounts existed')),
  createdAt: DateTime(),
  lastUsedAt: Nullable(DateTime('Within a minute')),
  revokedAt: Nullable(DateTime()),
};

/** A key as listed: never the key itself. */
export const ApiKeyResponse = Closed(apiKeyFields);

/** A key just created: the only answer that holds the key. */
export const CreatedApiKeyResponse = Closed({
  ...apiKeyFields,
  apiKey: Str('Shown once (only its hash is stored); send as Bearer'),
});

export const ApiKeysResponse = Closed({ apiKeys: Type.Array(ApiKeyResponse) });

export const ApiKeysPath = Type.Object({ streamerId: Id() });
export const ApiKeyPath = Type.Object({ streamerId: Id(), keyId: Id() });

export type SignUpRequest = Static<typeof SignUpRequest>;
export type SignInRequest = Static<typeof SignInRequest>;
export type AccountResponse = Static<typeof AccountResponse>;
export type AccountStreamer = Static<typeof AccountStreamer>;
export type SignedInResponse = Static<typeof SignedInResponse>;
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>;
export type ApiKeyResponse = Static<typeof ApiKeyResponse>;
export type CreatedApiKeyResponse = Static<typeof CreatedApiKeyResponse>;
export type ApiKeysResponse = Static<typeof ApiKeysResponse>;
