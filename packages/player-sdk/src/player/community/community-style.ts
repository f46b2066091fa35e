/** The community feed's stylesheet, added once per document; every class starts with `srp-cm`. */
const CSS = `
.srp-cm{position:absolute;left:8px;bottom:56px;z-index:11;width:min(260px,calc(100% - 16px));
display:flex;flex-direction:column;gap:6px;pointer-events:none;
font:12px/1.35 system-ui,-apple-system,'Segoe UI',sans-serif;color:#fff}
.srp-cm button{font:inherit}
.srp-cm-goal{padding:6px 8px;border-radius:6px;background:rgba(15,15,20,.8)}
.srp-cm-title{display:flex;justify-content:space-between;gap:6px;font-weight:600}
.srp-cm-bar{height:6px;margin:4px 0 2px;border-radius:3px;background:rgba(255,255,255,.2);overflow:hidden}
.srp-cm-fill{height:100%;border-radius:3px;background:#4ade80;transition:width .6s}
.srp-cm-goal.srp-cm-reached .srp-cm-fill{background:#ffd54a}
.srp-cm-label{color:#c8c8d0}
.srp-cm-toast{padding:6px 10px;border-radius:6px;background:#ffd54a;color:#111;font-weight:600;
box-shadow:0 2px 10px rgba(0,0,0,.35);opacity:0;transform:translateY(6px);
transition:opacity .3s,transform .3s}
.srp-cm-toast.srp-cm-show{opacity:1;transform:none}
.srp-cm-squad{align-self:flex-start;padding:4px 10px;border-radius:999px;border:1px solid #ffd54a;
background:rgba(0,0,0,.65);color:#fff;cursor:pointer;pointer-events:auto}
.srp-cm-squad[aria-pressed=true]{background:#ffd54a;color:#111}
.srp-cm-squad:focus-visible{outline:2px solid #fff;outline-offset:2px}
@media (prefers-reduced-motion: reduce){.srp-cm-toast,.srp-cm-fill{transition:none}}
`;

export function addCommunityStyle(doc: Document): void {
  if (doc.getElementById('srp-community-style')) return;
  const style = doc.createElement('style');
  style.id = 'srp-community-style';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
