/*
 * The Harrow reference shop. Launch parameters (query string):
 *   collector  the collector's base URL (required for telemetry)
 *   appKey     the app key the collector knows this app by
 *   deviceId   the device id to report (the farm passes the device's name); else one kept in local storage
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
  var history = [];

  var telemetryOn = Boolean(params.get('collector') && params.get('appKey'));
  if (telemetryOn) {
    HarrowTelemetry.init({
      collectorUrl: params.get('collector'),
      appKey: params.get('appKey'),
      deviceId: params.get('deviceId') || undefined,
      appVersion: '1.0.0'
    });
  }

  function track(type, props) {
    if (telemetryOn) { HarrowTelemetry.track(type, props); }
  }

  function price(amount) {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: CURRENCY }).format(amount);
  }

  function show(name, arg, isBack) {
    var current = screenEl.dataset.screen;
    if (!isBack && current && current !== name) { history.push({ name: current, arg: screenEl.dataset.arg }); }
    screenEl.replaceChildren(document.getElementById(name).content.cloneNode(true));
    screenEl.dataset.screen = name;
    screenEl.dataset.arg = arg || '';
    backEl.hidden = history.length === 0;
    RENDER[name](arg);
    if (telemetryOn) { HarrowTelemetry.screen(name, arg ? { itemId: arg } : {}); }
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
      var item = CATALOG.find(function (i) { return i.id === id; });
      titleEl.textContent = item.name;
      screenEl.querySelector('[data-testid="item-art"]').style.background =
        'linear-gradient(135deg, hsl(' + item.hue + ' 65% 60%), hsl(' + (item.hue + 40) + ' 55% 40%))';
      screenEl.querySelector('[data-testid="item-name"]').textContent = item.name;
      screenEl.querySelector('[data-testid="item-price"]').textContent = price(item.price);
      screenEl.querySelector('[data-testid="item-blurb"]').textContent = item.blurb;
      screenEl.querySelector('[data-testid="buy"]').onclick = function () {
        track('purchase', { itemId: item.id, amount: item.price, currency: CURRENCY });
        show('purchased', item.id);
      };
    },
    purchased: function (id) {
      var item = CATALOG.find(function (i) { return i.id === id; });
      titleEl.textContent = 'Order placed';
      screenEl.querySelector('[data-testid="purchase-confirmation"]').textContent =
        item.name + ' for ' + price(item.price) + ' is on its way.';
      screenEl.querySelector('[data-testid="continue-shopping"]').onclick = function () { show('catalog'); };
    }
  };

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
  }, 500);

  screenEl.dataset.screen = '';
  show('home');
})();
