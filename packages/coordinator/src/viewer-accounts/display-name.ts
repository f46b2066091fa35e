/**
 * The display name a viewer account shows in chat, squads and leaderboards: trimmed, inner
 * spaces collapsed, 2 to 32 letters, digits, spaces and `. _ ' -`, starting with a letter or
 * digit, and not posing as the platform's roles ("Moderator", "streamer_official", "Adm1n").
 * Names need not be unique: the viewer id behind them is.
 */
import { MAX_DISPLAY_NAME_LENGTH, MIN_DISPLAY_NAME_LENGTH } from '@streamrp2p/protocol/api-schemas';
import { ApiError } from '../errors.js';

const ALLOWED = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._'-]*$/u;

/** Words a name may not contain once folded (lower case, look-alike digits, no separators). */
const RESERVED = ['moderator', 'admin', 'streamer', 'streamrp2p', 'official', 'staff', 'system'];
/** Names refused only whole (they are parts of ordinary words: "modern", "supportive"). */
const RESERVED_WHOLE = ['mod', 'mods', 'support', 'host', 'owner', 'root'];

const LOOK_ALIKES: Readonly<Record<string, string>> = Object.freeze({
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
});

/** The name as compared against reserved words: `"Mod-3rator"` → `"moderator"`. */
function folded(name: string): string {
  return [...name.toLowerCase().normalize('NFKD')]
    .map((c) => LOOK_ALIKES[c] ?? c)
    .join('')
    .replace(/[^a-z]/g, '');
}

/**
 * The display name to store, or `VALIDATION_ERROR` naming `field` with the rule it breaks.
 *
 * @example
 * displayName('  Ada   Lovelace '); // 'Ada Lovelace'
 * displayName('M0derator'); // throws VALIDATION_ERROR
 */
export function displayName(raw: string, field = 'body.displayName'): string {
  const name = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
  const length = [...name].length;
  if (length < MIN_DISPLAY_NAME_LENGTH || length > MAX_DISPLAY_NAME_LENGTH) {
    throw new ApiError(
      'VALIDATION_ERROR',
      `${field} must be ${MIN_DISPLAY_NAME_LENGTH} to ${MAX_DISPLAY_NAME_LENGTH} characters after trimming`,
    );
  }
  if (!ALLOWED.test(name)) {
    throw new ApiError(
      'VALIDATION_ERROR',
      `${field} may hold letters, digits, spaces and . _ ' - and must start with a letter or digit`,
    );
  }
  const key = folded(name);
  if (RESERVED.some((word) => key.includes(word)) || RESERVED_WHOLE.includes(key)) {
    throw new ApiError('VALIDATION_ERROR', `${field} may not pose as a platform role`);
  }
  return name;
}
