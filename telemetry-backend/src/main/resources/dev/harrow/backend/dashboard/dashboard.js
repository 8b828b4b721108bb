// The dashboard reads the admin APIs with the token the admin signed in with (kept for the tab only).
// window.harrowDashboard exposes what was drawn, so that a test can compare it with the APIs.
(function () {
  'use strict';
  const state = { charts: {}, drawn: {}, ready: false, errors: [] };
  window.harrowDashboard = state;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);

  function token() { return sessionStorage.getItem('harrow.token'); }
  function app() { return sessionStorage.getItem('harrow.app') || ''; }

  async function api(path, query) {
    const q = new URLSearchParams(query || {});
    if (app()) { q.set('app', app()); }
    const res = await fetch(path + '?' + q.toString(), { headers: { Authorization: 'Bearer ' + token() } });
    if (res.status === 401) {
      sessionStorage.removeItem('harrow.token');
      throw new Error('the admin token was refused: sign in again');
    }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(body.message || ('HTTP ' + res.status + ' from ' + path));
    }
    return res.json();
  }

  function draw(id, config) {
    if (state.charts[id]) { state.charts[id].destroy(); }
    config.options = Object.assign({ animation: false, responsive: true }, config.options || {});
    state.charts[id] = new Chart($(id), config);
    state.drawn[id] = { labels: config.data.labels, datasets: config.data.datasets.map((d) => ({ label: d.label, data: d.data })) };
  }

  function figures(id, pairs) {
    $(id).innerHTML = pairs.map(([label, value]) =>
      '<div class="figure"><b>' + value + '</b><span>' + label + '</span></div>').join('');
  }

  function isoDay(date) { return date.toISOString().slice(0, 10); }

  async function metrics() {
    const query = { from: $('from').value, to: $('to').value, tz: $('tz').value || 'UTC', by: 'day' };
    if ($('platform').value) { query.platform = $('platform').value; }
    const answer = await api('/admin/v1/metrics', query);
    if ($('tz').options.length === 0) {
      answer.zones.forEach((z) => $('tz').add(new Option(z, z)));
    }
    const rows = answer.rows;
    const labels = rows.map((r) => r.period);
    draw('active', { type: 'line', data: { labels, datasets: [
      { label: 'DAU', data: rows.map((r) => r.dau), borderColor: '#2f6fde' },
      { label: 'WAU', data: rows.map((r) => r.wau), borderColor: '#18a999' },
      { label: 'MAU (30 days)', data: rows.map((r) => r.mau), borderColor: '#e0862b' }] } });
    draw('stickiness', { type: 'line', data: { labels, datasets: [
      { label: 'DAU / MAU', data: rows.map((r) => r.stickiness), borderColor: '#8a4fd8' }] },
      options: { scales: { y: { min: 0, max: 1 } } } });
    draw('revenue', { type: 'bar', data: { labels, datasets: [
      { label: 'Revenue', data: rows.map((r) => r.revenue), backgroundColor: '#2f6fde', yAxisID: 'y' },
      { label: 'ARPDAU', data: rows.map((r) => r.arpdau), type: 'line', borderColor: '#e0862b', yAxisID: 'y1' }] },
      options: { scales: { y1: { position: 'right', grid: { drawOnChartArea: false } } } } });
    const sum = (f) => rows.reduce((a, r) => a + f(r), 0);
    const last = rows[rows.length - 1] || {};
    figures('active-figures', [['DAU (last day)', last.dau || 0], ['MAU (last day)', last.mau || 0],
      ['new users', sum((r) => r.new_users)], ['sessions', sum((r) => r.sessions)]]);
    figures('revenue-figures', [['revenue', sum((r) => r.revenue).toFixed(2)], ['payer-days', sum((r) => r.payers)]]);
  }

  async function retention() {
    const query = { from: $('from').value, to: $('to').value, tz: $('tz').value || 'UTC', by: 'day', offsets: '1,3,7,14,30' };
    if ($('platform').value) { query.platform = $('platform').value; }
    const rows = (await api('/admin/v1/metrics/retention', query)).rows;
    const offsets = rows.length ? Object.keys(rows[0].rate) : [];
    const cell = (rate) => {
      if (rate === null) { return '<td style="background:#eee">–</td>'; }
      const light = Math.round(95 - rate * 55);
      return '<td style="background:hsl(215,70%,' + light + '%);color:' + (light < 60 ? '#fff' : '#1d2330') + '">' +
        (rate * 100).toFixed(1) + '%</td>';
    };
    $('retention').innerHTML = '<table class="heat"><tr><th>cohort</th><th>users</th>' +
      offsets.map((o) => '<th>' + o.toUpperCase() + '</th>').join('') + '</tr>' +
      rows.map((r) => '<tr><th>' + r.cohort + '</th><td>' + r.size + '</td>' +
        offsets.map((o) => cell(r.rate[o])).join('') + '</tr>').join('') + '</table>';
    state.drawn.retention = rows.map((r) => ({ cohort: r.cohort, size: r.size, rate: r.rate }));
  }

  async function funnel() {
    let messages = [];
    try {
      messages = (await api('/admin/v1/push/messages', { limit: 20 })).messages;
    } catch (e) {
      messages = []; // push may be off on this backend: the funnel stays empty.
    }
    const steps = ['targeted', 'accepted', 'delivered', 'opened'];
    const totals = steps.map((s) => messages.reduce((a, m) => a + (m.counts[s] || 0), 0));
    draw('funnel', { type: 'bar', data: { labels: ['Targeted', 'Accepted by gateway', 'Delivered', 'Opened'],
      datasets: [{ label: 'Devices, ' + messages.length + ' latest messages', data: totals,
        backgroundColor: ['#9db4e8', '#2f6fde', '#18a999', '#e0862b'] }] }, options: { indexAxis: 'y' } });
  }

  let previous = null;
  const live = { labels: [], data: [] };
  async function liveRate() {
    const stats = await api('/admin/v1/ingest');
    const now = Date.now();
    const total = stats.acceptedIntoStore + stats.acceptedIntoSpill;
    if (previous) {
      live.labels.push(new Date(now).toLocaleTimeString());
      live.data.push(Math.max(0, (total - previous.total) * 1000 / (now - previous.at)));
      if (live.labels.length > 60) { live.labels.shift(); live.data.shift(); }
    }
    previous = { total, at: now };
    draw('live', { type: 'line', data: { labels: live.labels.slice(), datasets: [
      { label: 'events/s', data: live.data.slice(), borderColor: '#18a999', fill: true }] },
      options: { scales: { y: { beginAtZero: true, suggestedMax: 10 } } } });
  }

  async function refresh() {
    state.ready = false;
    $('problem').textContent = '';
    try {
      await metrics();
      await Promise.all([retention(), funnel(), liveRate()]);
      state.ready = true;
    } catch (e) {
      state.errors.push(e.message);
      $('problem').textContent = e.message;
      if (!token()) {
        $('signin-problem').textContent = e.message;
        show();
      }
    }
  }

  function show() {
    const signedIn = !!token();
    $('signin').hidden = signedIn;
    $('board').hidden = !signedIn;
    if (signedIn) {
      const to = params.get('to') || isoDay(new Date());
      $('to').value = to;
      $('from').value = params.get('from') || isoDay(new Date(Date.parse(to) - 29 * 86400000));
      if (params.get('tz')) { $('tz').add(new Option(params.get('tz'), params.get('tz'))); }
      refresh();
    }
  }

  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem('harrow.token', $('token').value);
    sessionStorage.setItem('harrow.app', $('app').value);
    show();
  });
  $('refresh').addEventListener('click', refresh);
  setInterval(() => { if (state.ready) { liveRate().catch((e) => state.errors.push(e.message)); } }, 2000);
  show();
}());
