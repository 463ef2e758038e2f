// Runs inside the sandboxed page frame (the page's own scripts are gone): outlines what the
// builder sends, and tells the builder which element was clicked or chosen with the keys.
(() => {
  const send = (message) => parent.postMessage(Object.assign({ feedwright: 1 }, message), '*');
  const numbered = (node) => {
    while (node && !(node.dataset && node.dataset.fw)) node = node.parentElement;
    return node;
  };
  let current = null;
  const mark = (node) => {
    if (current) current.classList.remove('fw-current');
    current = node;
    if (current) {
      current.classList.add('fw-current');
      current.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      send({ type: 'select', node: Number(current.dataset.fw), tag: current.tagName.toLowerCase() });
    }
  };
  document.addEventListener('click', (event) => {
    event.preventDefault();
    event.stopPropagation();
    const node = numbered(event.target);
    if (!node) return;
    mark(node);
    send({ type: 'click', node: Number(node.dataset.fw) });
  }, true);
  document.addEventListener('submit', (event) => event.preventDefault(), true);
  document.addEventListener('mouseover', (event) => {
    const node = numbered(event.target);
    document.querySelectorAll('.fw-hover').forEach((n) => n.classList.remove('fw-hover'));
    if (node) node.classList.add('fw-hover');
  });
  document.addEventListener('keydown', (event) => {
    if (!current) return;
    const moves = {
      ArrowUp: () => numbered(current.parentElement),
      ArrowDown: () => Array.from(current.children).find((c) => c.dataset && c.dataset.fw),
      ArrowLeft: () => numbered(current.previousElementSibling) || current,
      ArrowRight: () => numbered(current.nextElementSibling) || current,
    };
    if (moves[event.key]) {
      event.preventDefault();
      const next = moves[event.key]();
      if (next && next.tagName !== 'HTML') mark(next);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      send({ type: 'click', node: Number(current.dataset.fw) });
    }
  });
  const byNumber = (n) => document.querySelector(`[data-fw="${n}"]`);
  window.addEventListener('message', (event) => {
    if (event.source !== parent || !event.data || !event.data.feedwright) return;
    const message = event.data;
    if (message.type === 'outline') {
      document.querySelectorAll('[class*="fw-"]').forEach((n) => {
        Array.from(n.classList).filter((c) => c.startsWith('fw-') && c !== 'fw-current' && c !== 'fw-hover')
          .forEach((c) => n.classList.remove(c));
      });
      (message.items || []).forEach((n, i) => {
        const node = byNumber(n);
        if (node) {
          node.classList.add('fw-item');
          if (i === 0 && message.scroll) node.scrollIntoView({ block: 'center' });
        }
      });
      for (const [field, numbers] of Object.entries(message.fields || {})) {
        numbers.forEach((n) => { const node = byNumber(n); if (node) node.classList.add(`fw-field-${field}`, 'fw-field'); });
      }
      document.documentElement.classList.toggle('fw-picking', Boolean(message.picking));
    } else if (message.type === 'select') {
      const node = byNumber(message.node);
      if (node) mark(node);
    }
  });
  send({ type: 'ready' });
})();
