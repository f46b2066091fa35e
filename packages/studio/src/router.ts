/**
 * Hash routing under `/studio/` (`#/streams/abc`): the coordinator serves one `index.html` and
 * needs no fallback route, and a reload keeps the page.
 */
import { useEffect, useState } from 'preact/hooks';

/** The current route, e.g. `['streams', 'abc', 'money']` for `#/streams/abc/money`. */
export function currentRoute(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

/** Goes to `#/<parts>`. */
export function navigate(...parts: string[]): void {
  location.hash = `#/${parts.map(encodeURIComponent).join('/')}`;
}

/** A link target for `parts`. */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

/** The route, re-rendering on every hash change. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
