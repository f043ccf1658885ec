'use strict';
// The operator console: one tile per source (live MJPEG preview, drag a box to add a target, target list),
// and the event feed. When the service has an access token, the page is opened once as /?token=TOKEN: the
// service answers with a same-site cookie that authorises everything the page loads afterwards.
(function () {
  const tiles = new Map();
  const MAX_EVENTS = 200;

  // Keep the token out of the address bar, bookmarks and screenshots.
  if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', location.pathname);

  async function api(method, url, body) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error((data && data.error) || res.status + ' ' + res.statusText);
    return data;
  }

  function createTile(source) {
    const node = document.getElementById('tile-template').content.firstElementChild.cloneNode(true);
    node.dataset.source = source.name;
    node.querySelector('.name').textContent = source.name;
    const img = node.querySelector('.preview');
    img.src = '/api/sources/' + encodeURIComponent(source.name) + '/preview.mjpg';
    const tile = { node, img, band: node.querySelector('.band'), error: node.querySelector('.error'),
      body: node.querySelector('tbody'), status: source };
    enableDrag(tile);
    document.getElementById('tiles').appendChild(node);
    tiles.set(source.name, tile);
    return tile;
  }

  // Drag a rubber band on the picture; on release, the box (scaled to frame pixels) becomes a new target.
  function enableDrag(tile) {
    const view = tile.node.querySelector('.view');
    let start = null;
    const point = (e) => {
      const r = tile.img.getBoundingClientRect();
      return { x: Math.min(Math.max(e.clientX - r.left, 0), r.width), y: Math.min(Math.max(e.clientY - r.top, 0), r.height), r };
    };
    view.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      start = point(e);
      Object.assign(tile.band.style, { left: start.x + 'px', top: start.y + 'px', width: '0px', height: '0px' });
      tile.band.hidden = false;
    });
    window.addEventListener('mousemove', (e) => {
      if (!start) return;
      const p = point(e);
      Object.assign(tile.band.style, { left: Math.min(start.x, p.x) + 'px', top: Math.min(start.y, p.y) + 'px',
        width: Math.abs(p.x - start.x) + 'px', height: Math.abs(p.y - start.y) + 'px' });
    });
    window.addEventListener('mouseup', async (e) => {
      if (!start) return;
      const p = point(e);
      const s = start;
      start = null;
      tile.band.hidden = true;
      const st = tile.status;
      if (!st.width || !p.r.width) return;
      const sx = st.width / p.r.width, sy = st.height / p.r.height;
      const box = { x: Math.round(Math.min(s.x, p.x) * sx), y: Math.round(Math.min(s.y, p.y) * sy),
        w: Math.round(Math.abs(p.x - s.x) * sx), h: Math.round(Math.abs(p.y - s.y) * sy) };
      if (box.w < 8 || box.h < 8) return;
      try {
        await api('POST', '/api/sources/' + encodeURIComponent(st.name) + '/targets', box);
        showError(tile, null);
        refresh();
      } catch (err) {
        showError(tile, err.message);
      }
    });
  }

  function showError(tile, message) {
    tile.error.hidden = !message;
    tile.error.textContent = message || '';
  }

  function renderTile(tile, s) {
    tile.status = s;
    const state = tile.node.querySelector('.state');
    state.textContent = s.state;
    state.className = 'state badge ' + s.state;
    tile.node.querySelector('.stats').textContent =
      s.fps.toFixed(1) + ' fps  ' + s.latencyMs.toFixed(1) + ' ms  ' + s.width + 'x' + s.height +
      '  dropped ' + s.droppedFrames + '  reconnects ' + s.reconnects;
    if (s.error) showError(tile, s.error);
    const rows = s.targets.map((t) => {
      const tr = document.createElement('tr');
      tr.className = 'target';
      tr.dataset.id = t.id;
      const cells = [t.id, null, t.score.toFixed(2),
        Math.round(t.box.x) + ',' + Math.round(t.box.y) + ' ' + Math.round(t.box.w) + 'x' + Math.round(t.box.h)];
      cells.forEach((text, i) => {
        const td = document.createElement('td');
        if (i === 1) {
          const b = document.createElement('span');
          b.className = 'badge target-state ' + t.state;
          b.textContent = t.state;
          td.appendChild(b);
        } else {
          td.textContent = text;
        }
        tr.appendChild(td);
      });
      const td = document.createElement('td');
      const rm = document.createElement('button');
      rm.textContent = '\u2715';
      rm.title = 'stop tracking ' + t.id;
      rm.className = 'remove';
      rm.addEventListener('click', async () => {
        try {
          await api('DELETE', '/api/sources/' + encodeURIComponent(s.name) + '/targets/' + encodeURIComponent(t.id));
          refresh();
        } catch (err) {
          showError(tile, err.message);
        }
      });
      td.appendChild(rm);
      tr.appendChild(td);
      return tr;
    });
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = document.createElement('td');
      td.colSpan = 5;
      td.textContent = 'no targets';
      tr.appendChild(td);
      rows.push(tr);
    }
    tile.body.replaceChildren(...rows);
  }

  async function refresh() {
    try {
      const sources = await api('GET', '/api/sources');
      let up = 0, targets = 0;
      for (const s of sources) {
        const tile = tiles.get(s.name) || createTile(s);
        renderTile(tile, s);
        if (s.state === 'UP') up++;
        targets += s.targets.length;
      }
      document.getElementById('summary').textContent =
        sources.length + ' sources, ' + up + ' up, ' + targets + ' targets';
    } catch (err) {
      document.getElementById('summary').textContent = 'cannot reach the service: ' + err.message;
    }
  }

  function addEvent(e) {
    const li = document.createElement('li');
    const time = document.createElement('span');
    time.className = 'time';
    time.textContent = e.time.substring(11, 19);
    const type = document.createElement('span');
    type.className = 'type ' + e.type;
    type.textContent = e.type;
    const detail = document.createElement('span');
    detail.textContent = e.source + (e.target ? '/' + e.target : '') +
      (e.to ? ' ' + e.from + ' \u2192 ' + e.to : '') + (e.reason ? ' (' + e.reason + ')' : '');
    li.append(time, type, detail);
    const list = document.getElementById('events');
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) list.lastChild.remove();
  }

  function connectEvents() {
    const source = new EventSource('/api/events');
    const dot = document.getElementById('link-dot');
    const text = document.getElementById('link-text');
    source.onopen = () => { dot.className = 'dot up'; text.textContent = 'events: live'; };
    source.onerror = () => { dot.className = 'dot down'; text.textContent = 'events: reconnecting'; };
    source.onmessage = (m) => {
      const e = JSON.parse(m.data);
      addEvent(e);
      if (e.type.startsWith('target_') || e.type === 'state_changed') refresh();
    };
  }

  refresh();
  setInterval(refresh, 1000);
  connectEvents();
})();
