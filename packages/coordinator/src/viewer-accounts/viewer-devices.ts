/**
 * The devices of a viewer account (migration 016): each sign-in makes one with a secret of its
 * own, which `proveViewer` accepts like the viewer's own secret; signing out revokes it and
 * unverifies the sessions it verified. The claiming device keeps the viewer's own secret, and its
 * sign-out replaces that secret with one nobody knows.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { hashSecret, randomSecret, uuid } from '../util/crypto.js';

/**
 * Devices signed in at once per viewer: a sign-in beyond it signs out the devices used longest
 * ago, so a leaked password cannot pile up secrets without end.
 */
export const MAX_LIVE_DEVICES = 20;

/**
 * Makes a device of `viewerId` and signs out those beyond {@link MAX_LIVE_DEVICES}; returns its
 * id and its secret (answered once).
 */
export async function createDevice(
  db: Kysely<DB>,
  viewerId: string,
  name: string,
  now: Date,
): Promise<{ deviceId: string; secret: string }> {
  const deviceId = uuid();
  const secret = randomSecret();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('viewer_devices')
      .values({
        id: deviceId,
        viewer_id: viewerId,
        secret_hash: hashSecret(secret),
        name,
        created_at: now,
        last_used_at: now,
      })
      .execute();
    const stale = await trx
      .selectFrom('viewer_devices')
      .select('id')
      .where('viewer_id', '=', viewerId)
      .where('revoked_at', 'is', null)
      .where('id', '<>', deviceId)
      .orderBy('last_used_at', 'desc')
      .orderBy('created_at', 'desc')
      .offset(MAX_LIVE_DEVICES - 1)
      .execute();
    for (const device of stale) await signOutDevice(trx, viewerId, device.id, now);
  });
  return { deviceId, secret };
}

/**
 * Signs out the device that verified a session: `deviceId`, or (null) the holder of the
 * viewer's own secret. Its secret stops proving the viewer and the sessions it verified stop
 * authenticating as the viewer; other devices are untouched. Returns how many sessions lost it.
 */
export async function signOutDevice(
  trx: Transaction<DB>,
  viewerId: string,
  deviceId: string | null,
  now: Date,
): Promise<number> {
  if (deviceId === null) {
    await trx
      .updateTable('viewers')
      .set({ secret_hash: hashSecret(randomSecret()) })
      .where('viewer_id', '=', viewerId)
      .execute();
  } else {
    await trx
      .updateTable('viewer_devices')
      .set({ revoked_at: now })
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .execute();
  }
  const result = await trx
    .updateTable('sessions')
    .set({ viewer_verified: false })
    .where('viewer_id', '=', viewerId)
    .where('viewer_verified', '=', true)
    .where((eb) =>
      deviceId === null
        ? eb('viewer_device_id', 'is', null)
        : eb('viewer_device_id', '=', deviceId),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A device's name from its sign-in: what it said, else its user agent, at most 200 characters. */
export function deviceName(given: string | undefined, userAgent: string | undefined): string {
  return [...(given ?? userAgent ?? '').trim()].slice(0, 200).join('');
}
