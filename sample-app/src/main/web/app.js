/*
 * The Harrow reference shop. Launch parameters (query string):
 *   collector  the collector's base URL (required for telemetry)
 *   appKey     the app key the collector knows this app by
 *   deviceId   the device id to report (the farm passes the device's name); else one kept in local storage
 *   pushToken  the push token this install registers (the device agent passes the sandbox gateway's)
 *   pushProvider  apns or fcm (default: by platform)
 *   batchSize, flushDelayMs, maxQueue, sessionTimeoutMs  SDK settings, for tests
 *   volatileQueue, dropOnServerError, noReceipts, noTimeZone, noErrorCapture  harness switches that break one
 *              property of the SDK on purpose (docs/SCENARIOS.md); never set by the farm
 * Pushes arrive through HarrowApp.receivePush(notification), as the OS would hand them to the app.
 */
(function () {
  'use strict';

  var CATALOG = [
    { id: 'trail-lantern', name: 'Trail Lantern', price: 24.0, hue: 38, blurb: 'Three brightness levels, USB-C, 40 hours of light.' },
    { id: 'field-notebook', name: 'Field Notebook', price: 9.5, hue: 150, blurb: 'Waterproof pages that take pencil and ink in the rain.' },
    { id: 'steel-flask', name: 'Steel Flask', price: 19.9, hue: 205, blurb: 'Keeps coffee hot for 12 hours and water cold for 24.' },
    { id: 'wool-beanie', name: 'Wool Beanie', price: 14.0, hue: 330, blurb: 'Merino, knitted in one piece, warm without the itch.' }
  ];
  var CURRENCY = 'EUR';

  var params = new URLSearchParams(window.location.search);
  var screenEl = document.getElementById('screen');
  var titleEl = document.querySelector('[data-testid="screen-title"]');
  var backEl = document.querySelector('[data-testid="nav-back"]');
  var statusEl = document.querySelector('[data-testid="telemetry-status"]');
  var pushEl = document.querySelector('[data-testid="push-banner"]');
  var history = [];

  var telemetryOn = Boolean(params.get('collector') && params.get('appKey'));
  if (telemetryOn) {
    var options = {
      collectorUrl: params.get('collector'),
      appKey: params.get('appKey'),
      deviceId: params.get('deviceId') || undefined,
      appVersion: '1.0.0'
    };
    ['batchSize', 'flushDelayMs', 'maxQueue', 'sessionTimeoutMs'].forEach(function (name) {
      if (params.get(name)) { options[name] = Number(params.get(name)); }
    });
    // Test harness switches, each breaking one property of the SDK (see docs/SCENARIOS.md).
    if (params.get('volatileQueue') === '1') { options.volatileQueue = true; }
    if (params.get('dropOnServerError') === '1') { options.dropOnServerError = true; }
    if (params.get('noReceipts') === '1') { options.reportReceipts = false; }
    if (params.get('noTimeZone') === '1') { options.reportTimeZone = false; }
    if (params.get('noErrorCapture') === '1') { options.captureErrors = false; }
    HarrowTelemetry.init(options);
    var token = params.get('pushToken');
    if (token && token !== localStorage.getItem('harrow.shop.pushToken')) {
      var provider = params.get('pushProvider') ||
        (HarrowTelemetry.debug().platform === 'ios' ? 'apns' : 'fcm');
      HarrowTelemetry.registerPushToken(token, provider);
      localStorage.setItem('harrow.shop.pushToken', token);
    }
  }

  function track(fn) {
    if (telemetryOn) { fn(HarrowTelemetry); }
  }

  function price(amount) {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: CURRENCY }).format(amount);
  }

  function find(id) {
    return CATALOG.find(function (i) { return i.id === id; });
  }

  function show(name, arg, isBack) {
    var current = screenEl.dataset.screen;
    if (!isBack && current && current !== name) { history.push({ name: current, arg: screenEl.dataset.arg }); }
    screenEl.replaceChildren(document.getElementById(name).content.cloneNode(true));
    screenEl.dataset.screen = name;
    screenEl.dataset.arg = arg || '';
    backEl.hidden = history.length === 0;
    RENDER[name](arg);
    track(function (t) { t.screen(name, arg ? { itemId: arg } : {}); });
  }

  var RENDER = {
    home: function () {
      titleEl.textContent = 'Harrow Shop';
      screenEl.querySelector('[data-testid="open-catalog"]').onclick = function () { show('catalog'); };
    },
    catalog: function () {
      titleEl.textContent = 'Catalog';
      var list = screenEl.querySelector('[data-testid="catalog-list"]');
      CATALOG.forEach(function (item) {
        var li = document.createElement('li');
        li.dataset.testid = 'catalog-item-' + item.id;
        li.innerHTML = '<span class="swatch"></span><span class="name"></span><span class="price"></span>';
        li.querySelector('.swatch').style.background = 'hsl(' + item.hue + ' 60% 55%)';
        li.querySelector('.name').textContent = item.name;
        li.querySelector('.price').textContent = price(item.price);
        li.onclick = function () { show('item', item.id); };
        list.appendChild(li);
      });
    },
    item: function (id) {
      var item = find(id);
      titleEl.textContent = item.name;
      screenEl.querySelector('[data-testid="item-art"]').style.background =
        'linear-gradient(135deg, hsl(' + item.hue + ' 65% 60%), hsl(' + (item.hue + 40) + ' 55% 40%))';
      screenEl.querySelector('[data-testid="item-name"]').textContent = item.name;
      screenEl.querySelector('[data-testid="item-price"]').textContent = price(item.price);
      screenEl.querySelector('[data-testid="item-blurb"]').textContent = item.blurb;
      screenEl.querySelector('[data-testid="buy"]').onclick = function () {
        track(function (t) { t.purchase(item.price, CURRENCY, { itemId: item.id }); });
        show('purchased', item.id);
      };
    },
    purchased: function (id) {
      var item = find(id);
      titleEl.textContent = 'Order placed';
      screenEl.querySelector('[data-testid="purchase-confirmation"]').textContent =
        item.name + ' for ' + price(item.price) + ' is on its way.';
      screenEl.querySelector('[data-testid="continue-shopping"]').onclick = function () { show('catalog'); };
    },
    settings: function () {
      titleEl.textContent = 'Settings';
      var form = screenEl.querySelector('[data-testid="sign-in-form"]');
      var signOut = screenEl.querySelector('[data-testid="sign-out"]');
      var who = screenEl.querySelector('[data-testid="signed-in-as"]');
      function refresh() {
        var user = telemetryOn ? HarrowTelemetry.debug().userId : null;
        who.textContent = user ? 'Signed in as ' + user : 'Not signed in';
        form.hidden = Boolean(user);
        signOut.hidden = !user;
      }
      form.onsubmit = function (e) {
        e.preventDefault();
        var userId = form.elements.userId.value.trim();
        if (!userId) { return; }
        track(function (t) { t.identify(userId); t.track('sign_in', {}); });
        refresh();
      };
      signOut.onclick = function () {
        track(function (t) { t.track('sign_out', {}); t.identify(null); });
        refresh();
      };
      // Like a crash reporter's test crash: an error nobody catches, which the SDK must report.
      screenEl.querySelector('[data-testid="crash-test"]').onclick = function () {
        var session = telemetryOn ? HarrowTelemetry.debug().sessionId : 'none';
        console.error('test crash requested in session ' + session);
        throw new Error('Test crash in session ' + session);
      };
      refresh();
      renderStats();
    }
  };

  function renderStats() {
    if (screenEl.dataset.screen !== 'settings' || !telemetryOn) { return; }
    var d = HarrowTelemetry.debug();
    var set = function (id, text) {
      var el = screenEl.querySelector('[data-testid="' + id + '"]');
      if (el) { el.textContent = text; }
    };
    set('device-id', d.deviceId);
    set('queue-length', String(d.queueLength));
    set('sent-count', String(d.counters.sent));
    set('dropped-count', String(d.counters.dropped));
    set('last-error', d.lastError || 'none');
  }

  backEl.onclick = function () {
    var previous = history.pop();
    if (previous) { show(previous.name, previous.arg, true); }
  };
  document.querySelectorAll('.tabs button').forEach(function (tab) {
    tab.onclick = function () { show(tab.dataset.target); };
  });

  // A small dot in the bar: green when every event is delivered, amber while some wait.
  setInterval(function () {
    var waiting = telemetryOn ? HarrowTelemetry.debug().queueLength : 0;
    statusEl.classList.toggle('waiting', waiting > 0);
    statusEl.title = telemetryOn ? waiting + ' event(s) waiting' : 'telemetry off';
    renderStats();
  }, 500);

  /** A push, shown in-app as a banner; delivered is reported at once, opened when the banner is tapped. */
  function receivePush(notification) {
    var n = notification || {};
    if (!n.messageId) { throw new Error('a push needs a messageId'); }
    track(function (t) { t.pushDelivered(n.messageId, { provider: n.provider || null }); });
    pushEl.querySelector('[data-testid="push-title"]').textContent = n.title || '';
    pushEl.querySelector('[data-testid="push-body"]').textContent = n.body || '';
    pushEl.dataset.messageId = n.messageId;
    pushEl.hidden = false;
    pushEl.onclick = function () {
      track(function (t) { t.pushOpened(n.messageId, {}); });
      pushEl.hidden = true;
      var data = n.data || {};
      if (data.itemId && find(data.itemId)) {
        show('item', data.itemId);
      } else if (data.screen && RENDER[data.screen] && data.screen !== 'item' && data.screen !== 'purchased') {
        show(data.screen);
      }
    };
  }

  window.HarrowApp = { receivePush: receivePush };

  // Offline-ready once the service worker controls the page: the app then opens without a network.
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (navigator.serviceWorker.controller) {
        document.body.dataset.offlineReady = 'true';
      } else {
        navigator.serviceWorker.addEventListener('controllerchange', function () {
          document.body.dataset.offlineReady = 'true';
        });
      }
    }).catch(function () { /* no offline shell: the app still works online */ });
  }

  screenEl.dataset.screen = '';
  show('home');
})();
