/** The stream's sections, as links (each has its own URL). */
import { href } from '../router.js';

const TABS = [
  ['overview', 'Live view', []],
  ['setup', 'Setup & embed', ['setup']],
  ['money', 'Money', ['money']],
  ['growth', 'Growth', ['growth']],
] as const;

export function StreamTabs({ streamId, current }: { streamId: string; current: string }) {
  return (
    <nav class="tabs" aria-label="Stream sections">
      {TABS.map(([id, label, path]) => (
        <a
          key={id}
          href={href('streams', streamId, ...path)}
          aria-current={current === id ? 'page' : undefined}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}
