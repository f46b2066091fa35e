/** The chat panel's stylesheet, added once per document; every class starts with `srp-chat`. */
const CSS = `
.srp-chat-toggle{position:absolute;right:8px;bottom:56px;z-index:12;padding:5px 12px;border:0;
border-radius:999px;background:rgba(0,0,0,.7);color:#fff;cursor:pointer;
font:13px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif}
.srp-chat{position:absolute;top:0;right:0;bottom:0;z-index:12;display:flex;flex-direction:column;
width:min(320px,100%);box-sizing:border-box;background:rgba(15,15,20,.96);color:#fff;
font:13px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif}
.srp-chat[hidden]{display:none}
.srp-chat.srp-chat-below{position:relative;width:100%;height:360px;margin-top:8px;border-radius:8px}
.srp-chat button,.srp-chat input{font:inherit}
.srp-chat button:focus-visible,.srp-chat input:focus-visible,.srp-chat-toggle:focus-visible{
outline:2px solid #ffd54a;outline-offset:2px}
.srp-chat-head{display:flex;align-items:center;gap:8px;padding:8px 10px;
border-bottom:1px solid rgba(255,255,255,.15)}
.srp-chat-head h2{flex:1;margin:0;font-size:14px}
.srp-chat-close{border:0;background:transparent;color:#fff;cursor:pointer;font-size:16px}
.srp-chat-note{margin:0;padding:4px 10px;color:#c8c8d0;font-size:12px}
.srp-chat-list{flex:1;margin:0;padding:6px 10px;overflow-y:auto;list-style:none}
.srp-chat-list li{margin:0 0 6px;overflow-wrap:anywhere}
.srp-chat-name{font-weight:600;margin-right:6px}
.srp-chat-badge{display:inline-block;margin-right:6px;padding:0 6px;border-radius:999px;
background:#ffd54a;color:#111;font-size:11px;font-weight:600}
.srp-chat-system{color:#9fe3b4;font-style:italic}
.srp-chat-error{margin:0;padding:4px 10px;color:#ffb4a8;font-size:12px}
.srp-chat-error:empty{display:none}
.srp-chat-form{display:flex;gap:6px;padding:8px 10px;border-top:1px solid rgba(255,255,255,.15)}
.srp-chat-form input{flex:1;min-width:0;padding:5px 8px;border-radius:4px;border:1px solid #888;
background:#fff;color:#111}
.srp-chat-form button{padding:5px 10px;border-radius:6px;border:1px solid #ffd54a;background:#ffd54a;
color:#111;font-weight:600;cursor:pointer}
.srp-chat-form button:disabled{opacity:.5;cursor:default}
`;

export function addChatStyle(doc: Document): void {
  if (doc.getElementById('srp-chat-style')) return;
  const style = doc.createElement('style');
  style.id = 'srp-chat-style';
  style.textContent = CSS;
  doc.head.appendChild(style);
}
