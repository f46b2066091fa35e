/** The rewards' stylesheet, added once per document; every class starts with `srp-`. */
const CSS = `
.srp-rewards{position:absolute;top:8px;left:8px;z-index:11;width:min(280px,calc(100% - 16px));
pointer-events:none;
font:13px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;color:#fff}
.srp-rewards button,.srp-rewards input,.srp-rewards select{font:inherit}
.srp-badge{display:inline-flex;gap:4px;align-items:center;padding:4px 10px;border:0;border-radius:999px;
background:rgba(0,0,0,.65);color:#fff;cursor:pointer}
.srp-badge:focus-visible,.srp-rewards button:focus-visible,.srp-rewards input:focus-visible,
.srp-rewards select:focus-visible{outline:2px solid #ffd54a;outline-offset:2px}
.srp-head{position:relative;display:inline-block;pointer-events:auto}
.srp-toast{position:absolute;left:100%;top:2px;margin-left:6px;padding:2px 8px;border-radius:999px;
background:#ffd54a;color:#111;font-weight:600;white-space:nowrap;opacity:0;transform:translateY(0);
transition:opacity .25s,transform .6s;pointer-events:none}
.srp-toast.srp-show{opacity:1;transform:translateY(-4px)}
.srp-panel{margin-top:6px;padding:10px 12px;border-radius:8px;background:rgba(15,15,20,.92);
overflow:auto;box-shadow:0 4px 16px rgba(0,0,0,.4);pointer-events:auto;box-sizing:border-box}
.srp-panel.srp-below{position:absolute;left:-8px;width:calc(100% + 16px);max-width:100vw}
.srp-panel p{margin:0 0 6px}
.srp-panel h2{margin:0 0 4px;font-size:14px}
.srp-muted{color:#c8c8d0;font-size:12px}
.srp-row{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;align-items:center}
.srp-primary,.srp-secondary{padding:5px 10px;border-radius:6px;border:1px solid #ffd54a;cursor:pointer}
.srp-primary{background:#ffd54a;color:#111;font-weight:600}
.srp-secondary{background:transparent;color:#fff;border-color:#888}
.srp-section{border-top:1px solid rgba(255,255,255,.15);padding-top:8px;margin-top:8px}
.srp-rewards input[type=number]{width:6em;padding:3px 4px}
.srp-field{display:block;margin-top:6px;font-size:12px;color:#c8c8d0}
.srp-field input{display:block;box-sizing:border-box;width:100%;margin-top:2px;padding:4px 6px;
border-radius:4px;border:1px solid #888;background:#fff;color:#111}
.srp-error{color:#ffb4a8}
@media (prefers-reduced-motion: reduce){.srp-toast{transition:none;transform:none}
.srp-toast.srp-show{transform:none}}
`;

export function addRewardsStyle(doc: Document): void {
  if (doc.getElementById('srp-rewards-style')) return;
  const style = doc.createElement('style');
  style.id = 'srp-rewards-style';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
