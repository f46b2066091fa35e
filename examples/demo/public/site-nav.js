// The top bar every demo page shares: the brand and the pages, with the studio on the
// coordinator. Loaded after /config.js; marks the current page for screen readers.
(function () {
  const studio = window.DEMO_CONFIG?.studio?.url;
  const pages = [
    ['/', 'Home'],
    ['/player.html', 'Player'],
    ['/support.html', 'Supporter'],
    ['/embed.html', 'Embed'],
    ['/sdk.html', 'SDK'],
    ['/plain.html', 'Plain hls.js'],
  ];
  const header = document.createElement('header');
  header.className = 'topbar';
  const brand = document.createElement('a');
  brand.className = 'brand';
  brand.href = '/';
  brand.innerHTML =
    '<span class="brand-mark" aria-hidden="true">▶</span>StreamrP2P <span class="brand-sub">demo</span>';
  const nav = document.createElement('nav');
  nav.setAttribute('aria-label', 'Demo pages');
  const here = location.pathname === '/index.html' ? '/' : location.pathname;
  for (const [href, label] of pages) {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = label;
    if (href === here) link.setAttribute('aria-current', 'page');
    nav.append(link);
  }
  if (studio) {
    const link = document.createElement('a');
    link.href = studio;
    link.textContent = 'Studio ↗';
    nav.append(link);
  }
  header.append(brand, nav);
  document.body.prepend(header);
})();
