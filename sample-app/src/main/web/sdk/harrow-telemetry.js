/*
 * Harrow telemetry SDK: sends an app's analytics events, log lines and push receipts to a Harrow collector, and
 * loses none of them on the way.
 *
 *   HarrowTelemetry.init({ collectorUrl, appKey, deviceId, appVersion });
 *   HarrowTelemetry.screen('catalog');
 *   HarrowTelemetry.purchase(4.99, 'EUR', { itemId: 'steel-flask' });
 *
 * Guarantees (sample-app/README.md has the whole contract):
 * - Every event gets a UUID eventId when it is created. It is stored with the event and kept across retries,
 *   reloads and restarts, so the collector stores it once however often it is sent.
 * - Events wait in a durable queue (IndexedDB; localStorage where IndexedDB is missing) that survives a reload, a
 *   closed tab and an app restart, offline or not. A batch leaves the queue only when the collector has answered for
 *   it: leased, sent, then acknowledged.
 * - A batch that failed for a reason a retry can fix (network error, 429, 5xx) is sent again after an exponential
 *   backoff with full jitter, never sooner than the collector's Retry-After. One refused for a reason a retry cannot
 *   fix (400, 401, 403, 404, 410, 415, 422) is dropped and counted; a 413 is split in halves first.
 * - The queue is bounded (10,000 events, 7 days): beyond that the oldest events are dropped and counted.
 *
 * HarrowTelemetry.debug() reports the queue, the batch in flight, the last error and the counters; tests read it.
 */
(function (global) {
  'use strict';

  var DEFAULTS = {
    batchSize: 20,            // send when this many events wait ...
    flushDelayMs: 1000,       // ... or this long after the first of them was created
    maxQueue: 10000,          // events kept at most; the oldest go first
    maxAgeMs: 7 * 24 * 3600 * 1000,
    backoffBaseMs: 500,       // first retry within 0.5 s, doubling ...
    backoffMaxMs: 300000,     // ... up to 5 minutes
    sessionTimeoutMs: 30 * 60 * 1000,
    requestTimeoutMs: 30000,
    storageName: 'harrow-telemetry',
    captureErrors: true,      // uncaught errors and rejected promises become 'log' events at level error
    reportReceipts: true,     // harness only (false): push receipts are never reported
    reportTimeZone: true,     // harness only (false): the push registration names no time zone (UTC is assumed)
    dropOnServerError: false  // harness only (true): a batch the collector could not take (5xx, 429) is dropped
  };
  var NOT_RETRYABLE = [400, 401, 403, 404, 410, 415, 422];
  var PREFIX = 'harrow.';

  var config = null;
  var queue = null;
  var writes = Promise.resolve();
  var timer = null;
  var flushing = null;
  var inFlight = 0;
  var attempt = 0;
  var nextAttemptAt = 0;
  var lastError = null;
  var queueLength = 0;
  var recentAttempts = [];
  var session = null;
  var counters = null;
  var readyPromise = null;

  // ---- small helpers --------------------------------------------------------------------------------------------

  function uuid() {
    if (global.crypto && typeof global.crypto.randomUUID === 'function') {
      return global.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    global.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' +
      hex.slice(20);
  }

  function load(key, fallback) {
    try {
      var raw = global.localStorage.getItem(PREFIX + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      if (value === undefined || value === null) {
        global.localStorage.removeItem(PREFIX + key);
      } else {
        global.localStorage.setItem(PREFIX + key, JSON.stringify(value));
      }
    } catch (e) {
      // storage full or unavailable: the queue itself reports its own failures
    }
  }

  /** android, ios or web, from what the browser says it runs on. */
  function detectPlatform() {
    var ua = (global.navigator && global.navigator.userAgent) || '';
    if (/Android/i.test(ua)) { return 'android'; }
    if (/iPhone|iPad|iPod/i.test(ua)) { return 'ios'; }
    return 'web';
  }

  function emptyCounters() {
    return { created: 0, sent: 0, duplicates: 0, rejected: 0, retries: 0, droppedOverflow: 0, droppedExpired: 0,
      droppedRefused: 0 };
  }

  function count(name, by) {
    counters[name] = (counters[name] || 0) + by;
    save('counters', counters);
  }

  // ---- the durable queue ----------------------------------------------------------------------------------------

  /** Events in IndexedDB, in creation order (an auto-incremented key). */
  function IndexedDbQueue(db) {
    this.db = db;
  }

  IndexedDbQueue.open = function (name) {
    return new Promise(function (resolve, reject) {
      var request = global.indexedDB.open(name, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore('queue', { keyPath: 'seq', autoIncrement: true });
        store.createIndex('createdAt', 'createdAt');
      };
      request.onsuccess = function () { resolve(new IndexedDbQueue(request.result)); };
      request.onerror = function () { reject(request.error); };
    });
  };

  IndexedDbQueue.prototype.tx = function (mode, work) {
    var db = this.db;
    return new Promise(function (resolve, reject) {
      var tx = db.transaction('queue', mode);
      var result;
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
      result = work(tx.objectStore('queue'));
    });
  };

  IndexedDbQueue.prototype.add = function (record) {
    return this.tx('readwrite', function (store) { store.add(record); });
  };

  IndexedDbQueue.prototype.oldest = function (n) {
    var out = [];
    return this.tx('readonly', function (store) {
      var request = store.getAll(null, n);
      request.onsuccess = function () { Array.prototype.push.apply(out, request.result); };
    }).then(function () { return out; });
  };

  IndexedDbQueue.prototype.remove = function (seqs) {
    return this.tx('readwrite', function (store) {
      seqs.forEach(function (seq) { store.delete(seq); });
    });
  };

  IndexedDbQueue.prototype.count = function () {
    var n = 0;
    return this.tx('readonly', function (store) {
      var request = store.count();
      request.onsuccess = function () { n = request.result; };
    }).then(function () { return n; });
  };

  /** Drops what is too old, then the oldest beyond the bound; resolves {expired, overflow}. */
  IndexedDbQueue.prototype.trim = function (maxQueue, maxAgeMs) {
    var self = this;
    var dropped = { expired: 0, overflow: 0 };
    var cutoff = Date.now() - maxAgeMs;
    return this.tx('readwrite', function (store) {
      var request = store.index('createdAt').openCursor(IDBKeyRange.upperBound(cutoff, true));
      request.onsuccess = function () {
        var cursor = request.result;
        if (cursor) {
          cursor.delete();
          dropped.expired++;
          cursor.continue();
        }
      };
    }).then(function () { return self.count(); }).then(function (n) {
      var excess = n - maxQueue;
      if (excess <= 0) { return dropped; }
      return self.tx('readwrite', function (store) {
        var request = store.openCursor();
        request.onsuccess = function () {
          var cursor = request.result;
          if (cursor && excess > 0) {
            cursor.delete();
            excess--;
            dropped.overflow++;
            cursor.continue();
          }
        };
      }).then(function () { return dropped; });
    });
  };

  /** The same queue in localStorage, for browsers without IndexedDB. Small: it holds at most the bound. */
  function LocalStorageQueue(name) {
    this.key = name + '.queue';
    this.items = load(this.key, []);
    this.next = this.items.length ? this.items[this.items.length - 1].seq + 1 : 1;
  }

  LocalStorageQueue.prototype.persist = function () {
    var self = this;
    // When the browser's quota is reached, give up the oldest events rather than the newest.
    for (;;) {
      try {
        global.localStorage.setItem(PREFIX + self.key, JSON.stringify(self.items));
        return 0;
      } catch (e) {
        if (!self.items.length) { return 0; }
        self.items.shift();
        count('droppedOverflow', 1);
      }
    }
  };

  LocalStorageQueue.prototype.add = function (record) {
    record.seq = this.next++;
    this.items.push(record);
    this.persist();
    return Promise.resolve();
  };

  LocalStorageQueue.prototype.oldest = function (n) {
    return Promise.resolve(this.items.slice(0, n));
  };

  LocalStorageQueue.prototype.remove = function (seqs) {
    var gone = {};
    seqs.forEach(function (s) { gone[s] = true; });
    this.items = this.items.filter(function (r) { return !gone[r.seq]; });
    this.persist();
    return Promise.resolve();
  };

  LocalStorageQueue.prototype.count = function () {
    return Promise.resolve(this.items.length);
  };

  /**
   * Harness only (option volatileQueue): a queue in memory, lost with the page. It breaks the SDK's durability on
   * purpose, so that the scenarios can show they catch an SDK that loses events across a restart.
   */
  function MemoryQueue() {
    this.items = [];
    this.next = 1;
  }
  MemoryQueue.prototype = Object.create(LocalStorageQueue.prototype);
  MemoryQueue.prototype.persist = function () { return 0; };

  LocalStorageQueue.prototype.trim = function (maxQueue, maxAgeMs) {
    var cutoff = Date.now() - maxAgeMs;
    var before = this.items.length;
    this.items = this.items.filter(function (r) { return r.createdAt >= cutoff; });
    var dropped = { expired: before - this.items.length, overflow: 0 };
    if (this.items.length > maxQueue) {
      dropped.overflow = this.items.length - maxQueue;
      this.items = this.items.slice(dropped.overflow);
    }
    this.persist();
    return Promise.resolve(dropped);
  };

  function openQueue(name) {
    if (!global.indexedDB) {
      return Promise.resolve(new LocalStorageQueue(name));
    }
    return IndexedDbQueue.open(name).catch(function () { return new LocalStorageQueue(name); });
  }

  // ---- sessions -------------------------------------------------------------------------------------------------

  /** Starts a session, or ends the previous one first when it has been inactive longer than the timeout. */
  function touchSession(now) {
    if (session && now - session.lastActivity <= config.sessionTimeoutMs) {
      session.lastActivity = now;
      save('session', session);
      return;
    }
    if (session) {
      enqueue('session_end', { durationMs: session.lastActivity - session.startedAt }, session.lastActivity,
        session.id);
    }
    session = { id: uuid(), startedAt: now, lastActivity: now };
    save('session', session);
    enqueue('session_start', {}, now, session.id);
  }

  // ---- events ---------------------------------------------------------------------------------------------------

  function init(options) {
    if (!options || !options.collectorUrl || !options.appKey) {
      throw new Error('HarrowTelemetry.init needs collectorUrl and appKey');
    }
    config = Object.assign({}, DEFAULTS, options);
    config.collectorUrl = String(config.collectorUrl).replace(/\/+$/, '');
    config.platform = config.platform || detectPlatform();
    config.deviceId = config.deviceId || load('deviceId', null) || uuid();
    save('deviceId', config.deviceId);
    config.userId = load('userId', null);
    counters = Object.assign(emptyCounters(), load('counters', {}));
    session = load('session', null);
    readyPromise = (config.volatileQueue ? Promise.resolve(new MemoryQueue()) : openQueue(config.storageName))
        .then(function (q) {
      queue = q;
      return refreshLength();
    }).then(function () {
      schedule(0);
    });
    writes = readyPromise;
    touchSession(Date.now());
    global.addEventListener('online', function () { attempt = 0; nextAttemptAt = 0; schedule(0); });
    if (config.captureErrors) { captureErrors(); }
    global.document.addEventListener('visibilitychange', function () {
      if (global.document.visibilityState === 'hidden') {
        schedule(0);
      } else {
        touchSession(Date.now());
      }
    });
    return readyPromise;
  }

  /** Records an event; returns its eventId at once. The event is durably queued shortly after. */
  function track(type, props) {
    requireInit();
    var now = Date.now();
    touchSession(now);
    return enqueue(type, props || {}, now, session.id);
  }

  function enqueue(type, props, at, sessionId) {
    var event = {
      eventId: uuid(),
      type: type,
      ts: new Date(at).toISOString(),
      deviceId: config.deviceId,
      sessionId: sessionId,
      platform: config.platform,
      appVersion: config.appVersion || '0.0.0',
      props: props
    };
    if (config.userId) { event.userId = config.userId; }
    count('created', 1);
    queueLength++;
    writes = writes.then(function () {
      return queue.add({ event: event, createdAt: Date.now() });
    }).then(function () {
      return queue.trim(config.maxQueue, config.maxAgeMs);
    }).then(function (dropped) {
      if (dropped.overflow) { count('droppedOverflow', dropped.overflow); }
      if (dropped.expired) { count('droppedExpired', dropped.expired); }
      return refreshLength();
    }).catch(function (e) {
      lastError = 'queue: ' + (e && e.message || e);
    });
    schedule(queueLength >= config.batchSize ? 0 : config.flushDelayMs);
    return event.eventId;
  }

  function screen(name, props) {
    return track('screen_view', Object.assign({ screen: name }, props || {}));
  }

  function purchase(amount, currency, props) {
    if (typeof amount !== 'number' || !isFinite(amount) || !/^[A-Z]{3}$/.test(currency)) {
      throw new Error('purchase needs an amount and an ISO 4217 currency code');
    }
    return track('purchase', Object.assign({ amount: amount, currency: currency }, props || {}));
  }

  function log(level, message) {
    return track('log', { level: level, message: String(message) });
  }

  /** Signs a user in (their id goes on every later event) or out (null). */
  function identify(userId) {
    requireInit();
    config.userId = userId || null;
    save('userId', config.userId);
  }

  /**
   * Registers the install's push token with the backend (POST /v1/push/tokens), durably: the registration waits in
   * local storage until the backend stored it, and is sent before the next batch of events. Also tracked as a
   * 'push_token' event.
   */
  function registerPushToken(token, provider) {
    requireInit();
    var zone = (global.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC';
    var registration = { deviceId: config.deviceId, token: token, platform: config.platform,
      language: global.navigator.language, appVersion: config.appVersion || '0.0.0' };
    if (config.reportTimeZone) { registration.timeZone = zone; }
    // The token registered before proves, with the installation secret, that this install owns its device id.
    var previous = load('pushToken', null);
    if (previous && previous !== token) { registration.previousToken = previous; }
    save('pushRegistration', registration);
    return track('push_token', { token: token, provider: provider, timeZone: zone,
      language: global.navigator.language });
  }

  /** Sends the waiting push registration, if any; resolves true when nothing waits any more. */
  function registerPending() {
    var registration = load('pushRegistration', null);
    if (!registration) { return Promise.resolve(true); }
    var headers = { 'Content-Type': 'application/json', 'X-App-Key': config.appKey };
    var secret = load('installationSecret', null);
    if (secret) { headers['X-Installation-Secret'] = secret; }
    return global.fetch(config.collectorUrl + '/v1/push/tokens', {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(registration)
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (body) {
          // issued at the first registration: kept, and sent with every later one
          if (body && body.installationSecret) { save('installationSecret', body.installationSecret); }
          save('pushToken', registration.token);
          save('pushRegistration', null);
          count('registrations', 1);
          return true;
        }, function () {
          save('pushToken', registration.token);
          save('pushRegistration', null);
          count('registrations', 1);
          return true;
        });
      }
      if (NOT_RETRYABLE.indexOf(response.status) >= 0) {
        lastError = 'push registration refused: HTTP ' + response.status;
        save('pushRegistration', null);
        count('registrations', 1);
        return true;
      }
      lastError = 'push registration: HTTP ' + response.status;
      return false;
    }, function (error) {
      lastError = 'push registration: network: ' + String(error && error.message || error);
      return false;
    });
  }

  /** Uncaught errors and unhandled rejections, as the crash reporter of a native app would send them. */
  function captureErrors() {
    var reporting = false;
    function report(message, stack) {
      if (reporting) { return; }
      reporting = true;
      try {
        track('log', { level: 'error', message: String(message), stack: stack ? String(stack).slice(0, 2000) : null,
          origin: 'app' });
      } finally {
        reporting = false;
      }
    }
    global.addEventListener('error', function (e) {
      report(e.message || 'error', e.error && e.error.stack);
    });
    global.addEventListener('unhandledrejection', function (e) {
      var reason = e.reason;
      report('unhandled rejection: ' + (reason && reason.message || reason), reason && reason.stack);
    });
  }

  /** A push receipt, reported once per message and kind however often the app calls it. */
  function receipt(type, messageId, props) {
    if (!config.reportReceipts) { return null; }
    var seen = load('receipts', []);
    var key = type + ':' + messageId;
    if (seen.indexOf(key) >= 0) { return null; }
    seen.push(key);
    save('receipts', seen.slice(-500));
    return track(type, Object.assign({ messageId: messageId }, props || {}));
  }

  function pushDelivered(messageId, props) { return receipt('push_delivered', messageId, props); }

  function pushOpened(messageId, props) { return receipt('push_opened', messageId, props); }

  function requireInit() {
    if (!config) {
      throw new Error('HarrowTelemetry.init has not been called');
    }
  }

  // ---- delivery -------------------------------------------------------------------------------------------------

  function schedule(delayMs) {
    if (!config) { return; }
    var wait = Math.max(delayMs, nextAttemptAt - Date.now(), 0);
    if (timer !== null) {
      if (wait > 0) { return; }
      global.clearTimeout(timer);
    }
    timer = global.setTimeout(function () { timer = null; flush(); }, wait);
  }

  /** Sends what waits, batch after batch, until the queue is empty or a batch fails. */
  function flush() {
    if (!config) { return Promise.resolve(); }
    if (flushing) { return flushing; }
    flushing = writes.then(function () {
      return withLock(function () {
        return registerPending().then(function (registered) {
          if (!registered && queueLength === 0) { schedule(Math.max(config.backoffBaseMs, 1000)); }
          return drain();
        });
      });
    }).catch(function (e) {
      lastError = String(e && e.message || e);
    }).finally(function () {
      flushing = null;
      inFlight = 0;
      // Events tracked while this flush ran asked for one that was already under way: give them their own.
      if (queueLength > 0 && Date.now() >= nextAttemptAt) {
        schedule(config.flushDelayMs);
      }
    });
    return flushing;
  }

  /** Only one tab of the app sends at a time, so that tabs do not send the same events side by side. */
  function withLock(work) {
    if (global.navigator.locks && global.navigator.locks.request) {
      return global.navigator.locks.request(config.storageName + '-flush', work);
    }
    return work();
  }

  function drain(batchSize) {
    var size = batchSize || config.batchSize;
    if (Date.now() < nextAttemptAt) {
      schedule(nextAttemptAt - Date.now());
      return Promise.resolve();
    }
    return queue.oldest(size).then(function (records) {
      if (!records.length) { return null; }
      inFlight = records.length;
      return send(records).then(function (outcome) {
        inFlight = 0;
        return settle(records, outcome, size);
      });
    });
  }

  function send(records) {
    var controller = global.AbortController ? new AbortController() : null;
    var timeout = controller ? global.setTimeout(function () { controller.abort(); }, config.requestTimeoutMs) : null;
    return global.fetch(config.collectorUrl + '/v1/events', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-App-Key': config.appKey },
      body: JSON.stringify({ events: records.map(function (r) { return r.event; }) }),
      keepalive: records.length <= 20,
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (body) { return { status: 200, body: body }; });
      }
      return { status: response.status, retryAfter: response.headers.get('Retry-After') };
    }, function (error) {
      return { status: 0, error: String(error && error.message || error) };
    }).finally(function () {
      if (timeout) { global.clearTimeout(timeout); }
    });
  }

  function settle(records, outcome, size) {
    note(outcome.status, records.length);
    var seqs = records.map(function (r) { return r.seq; });
    if (outcome.status === 200) {
      var body = outcome.body || {};
      count('sent', body.accepted || 0);
      count('duplicates', body.duplicates || 0);
      count('rejected', (body.rejected || []).length);
      attempt = 0;
      nextAttemptAt = 0;
      lastError = null;
      return queue.remove(seqs).then(refreshLength).then(function () { return drain(); });
    }
    if (outcome.status === 413 && records.length > 1) {
      // Too large as a whole: the halves may pass.
      return drain(Math.ceil(records.length / 2));
    }
    var dropRetryable = config.dropOnServerError && (outcome.status >= 500 || outcome.status === 429);
    if (NOT_RETRYABLE.indexOf(outcome.status) >= 0 || outcome.status === 413 || dropRetryable) {
      lastError = 'HTTP ' + outcome.status + ': batch refused, dropped';
      count('droppedRefused', records.length);
      return queue.remove(seqs).then(refreshLength).then(function () { return drain(size); });
    }
    // Network error, 429 or 5xx: keep the batch and come back later.
    attempt++;
    count('retries', 1);
    lastError = outcome.status ? 'HTTP ' + outcome.status : 'network: ' + outcome.error;
    var backoff = Math.random() * Math.min(config.backoffMaxMs, config.backoffBaseMs * Math.pow(2, attempt - 1));
    var delay = Math.max(backoff, retryAfterMillis(outcome.retryAfter));
    nextAttemptAt = Date.now() + delay;
    schedule(delay);
    return null;
  }

  /** Retry-After as seconds or an HTTP date; 0 when absent or unreadable. */
  function retryAfterMillis(value) {
    if (!value) { return 0; }
    var seconds = Number(value);
    if (isFinite(seconds)) { return Math.max(0, seconds * 1000); }
    var at = Date.parse(value);
    return isNaN(at) ? 0 : Math.max(0, at - Date.now());
  }

  function note(status, events) {
    recentAttempts.push({ at: Date.now(), status: status, events: events });
    if (recentAttempts.length > 50) { recentAttempts.shift(); }
  }

  function refreshLength() {
    return queue.count().then(function (n) { queueLength = n; });
  }

  // ---- debug surface --------------------------------------------------------------------------------------------

  /** What the SDK holds and did; synchronous (queueLength mirrors the durable queue). */
  function debug() {
    return {
      queueLength: queueLength,
      inFlight: inFlight,
      lastError: lastError,
      attempt: attempt,
      nextAttemptAt: nextAttemptAt,
      deviceId: config ? config.deviceId : null,
      platform: config ? config.platform : null,
      sessionId: session ? session.id : null,
      userId: config ? config.userId : null,
      storage: queue instanceof IndexedDbQueue ? 'indexeddb' : queue ? 'localstorage' : null,
      counters: Object.assign({ dropped: counters ? counters.droppedOverflow + counters.droppedExpired +
        counters.droppedRefused : 0 }, counters || {}),
      recentAttempts: recentAttempts.slice()
    };
  }

  /** Resolves once the queue is open and every event tracked so far is durably queued. */
  function ready() {
    return writes.then(function () { return debug(); });
  }

  global.HarrowTelemetry = {
    init: init,
    track: track,
    screen: screen,
    purchase: purchase,
    log: log,
    identify: identify,
    registerPushToken: registerPushToken,
    pushDelivered: pushDelivered,
    pushOpened: pushOpened,
    flush: flush,
    ready: ready,
    debug: debug
  };
})(window);
