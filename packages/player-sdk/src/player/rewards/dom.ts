/** The rewards' small DOM helpers (plain DOM: the chunk carries no framework). */

export type Child = Node | string | false | undefined;

type Props = Partial<
  Record<'class' | 'text' | 'id' | 'type' | 'aria-label' | 'name' | 'autocomplete' | 'role', string>
>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function button(label: string, primary: boolean, onClick: () => void): HTMLButtonElement {
  const b = el(
    'button',
    { type: 'button', class: primary ? 'srp-primary' : 'srp-secondary' },
    label,
  );
  b.addEventListener('click', onClick);
  return b;
}
