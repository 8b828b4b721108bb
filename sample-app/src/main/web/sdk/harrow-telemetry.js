/*
 * Harrow telemetry SDK: sends an app's analytics events and log lines to a Harrow collector.
 *
 *   HarrowTelemetry.init({ collectorUrl, appKey, deviceId, appVersion });
 *   HarrowTelemetry.track('purchase', { amount: 4.99, currency: 'EUR' });
 *   HarrowTelemetry.screen('catalog');
 *
 * Every event gets a UUID eventId when it is created; the id is kept when a batch is sent again, so the collector
 * stores a retried event once. Events wait in a queue and go out in batches (by count or after a short delay); a
 * batch that fails for a reason a retry can fix (network error, 429, 5xx) stays queued and is sent again later,
 * after the server's Retry-After when it gives one. Events the collector rejects one by one are dropped and counted.
 *
 * HarrowTelemetry.debug() reports the queue length, the batch in flight, the last error and the counters, for tests.
 */
(function (global) {
  'use strict';

  var DEFAULTS = {
    batchSize: 20,          // send when this many events wait
    flushDelayMs: 1000,     // or this long after the first one arrived
    retryDelayMs: 2000,     // wait before sending a failed batch again, unless the server says otherwise
    maxQueue: 1000          // beyond this the oldest events are dropped (and counted)
  };

  var config = null;
  var queue = [];
  var inFlight = null;
  var timer = null;
  var session = null;
  var counters = { created: 0, sent: 0, duplicates: 0, rejected: 0, dropped: 0, failures: 0 };
  var lastError = null;

  function uuid() {
    if (global.crypto && typeof global.crypto.randomUUID === 'function') {
      return global.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  /** android, ios or web, from what the browser says it runs on. */
  function detectPlatform() {
    var ua = (global.navigator && global.navigator.userAgent) || '';
    if (/Android/i.test(ua)) { return 'android'; }
    if (/iPhone|iPad|iPod/i.test(ua)) { return 'ios'; }
    return 'web';
  }

  /** A device id kept across launches, unless the launcher supplies one. */
  function storedDeviceId() {
    var key = 'harrow.deviceId';
    try {
      var id = global.localStorage.getItem(key);
      if (!id) {
        id = uuid();
        global.localStorage.setItem(key, id);
      }
      return id;
    } catch (e) {
      return uuid();
    }
  }

  function init(options) {
    if (!options || !options.collectorUrl || !options.appKey) {
      throw new Error('HarrowTelemetry.init needs collectorUrl and appKey');
    }
    config = Object.assign({}, DEFAULTS, options);
    config.collectorUrl = String(config.collectorUrl).replace(/\/+$/, '');
    config.deviceId = config.deviceId || storedDeviceId();
    config.platform = config.platform || detectPlatform();
    session = { id: uuid(), startedAt: Date.now() };
    global.addEventListener('online', function () { flush(); });
    global.document.addEventListener('visibilitychange', function () {
      if (global.document.visibilityState === 'hidden') { flush(); }
    });
    track('session_start', {});
  }

  function track(type, props) {
    if (!config) {
      throw new Error('HarrowTelemetry.init has not been called');
    }
    var event = {
      eventId: uuid(),
      type: type,
      ts: new Date().toISOString(),
      deviceId: config.deviceId,
      sessionId: session.id,
      platform: config.platform,
      appVersion: config.appVersion || '0.0.0',
      props: props || {}
    };
    if (config.userId) { event.userId = config.userId; }
    counters.created++;
    queue.push(event);
    if (queue.length > config.maxQueue) {
      var excess = queue.length - config.maxQueue;
      queue.splice(0, excess);
      counters.dropped += excess;
    }
    schedule(queue.length >= config.batchSize ? 0 : config.flushDelayMs);
    return event.eventId;
  }

  function screen(name, props) {
    return track('screen_view', Object.assign({ screen: name }, props || {}));
  }

  function log(level, message) {
    return track('log', { level: level, message: String(message) });
  }

  function identify(userId) {
    config.userId = userId || undefined;
  }

  function schedule(delayMs) {
    if (timer !== null) {
      if (delayMs > 0) { return; }
      global.clearTimeout(timer);
    }
    timer = global.setTimeout(function () { timer = null; flush(); }, delayMs);
  }

  /** Sends the oldest waiting events; resolves when that batch is settled (stored, rejected or kept for later). */
  function flush() {
    if (!config || inFlight || queue.length === 0) {
      return Promise.resolve();
    }
    var batch = queue.slice(0, config.batchSize);
    inFlight = batch;
    return global.fetch(config.collectorUrl + '/v1/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-App-Key': config.appKey },
      body: JSON.stringify({ events: batch }),
      keepalive: true
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (body) {
          settle(batch);
          counters.sent += body.accepted;
          counters.duplicates += body.duplicates;
          counters.rejected += (body.rejected || []).length;
          lastError = null;
          if (queue.length > 0) { schedule(0); }
        });
      }
      var retryable = response.status === 429 || response.status >= 500;
      if (!retryable) {
        // The batch itself is wrong (bad key, malformed, too large): sending it again cannot help.
        settle(batch);
        counters.dropped += batch.length;
      }
      return failed('HTTP ' + response.status, retryable, response.headers.get('Retry-After'));
    }, function (error) {
      return failed(String(error && error.message || error), true, null);
    }).finally(function () {
      inFlight = null;
    });
  }

  function settle(batch) {
    var ids = {};
    batch.forEach(function (e) { ids[e.eventId] = true; });
    queue = queue.filter(function (e) { return !ids[e.eventId]; });
  }

  function failed(message, retryable, retryAfter) {
    counters.failures++;
    lastError = message;
    if (retryable) {
      var seconds = Number(retryAfter);
      schedule(isFinite(seconds) && seconds > 0 ? seconds * 1000 : config.retryDelayMs);
    }
  }

  function debug() {
    return {
      queueLength: queue.length,
      inFlight: inFlight ? inFlight.length : 0,
      lastError: lastError,
      deviceId: config ? config.deviceId : null,
      platform: config ? config.platform : null,
      sessionId: session ? session.id : null,
      counters: Object.assign({}, counters)
    };
  }

  global.HarrowTelemetry = {
    init: init,
    track: track,
    screen: screen,
    log: log,
    identify: identify,
    flush: flush,
    debug: debug
  };
})(window);
