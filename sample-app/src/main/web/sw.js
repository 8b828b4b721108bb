/*
 * The shop's service worker: keeps the app shell so that the app opens and works offline, as an installed app
 * would. Requests to the collector are not touched: the SDK's own queue deals with being offline.
 */
'use strict';

var CACHE = 'harrow-shop-v1';
var SHELL = ['./', 'index.html', 'app.js', 'styles.css', 'icon.svg', 'sdk/harrow-telemetry.js'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) {
    return; // the collector and anything else: straight to the network
  }
  // The shell from the cache at once, refreshed from the network in the background (stale-while-revalidate), so the
  // app opens offline. Launch parameters live in the query string, so the cached page matches whatever they are.
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      var refresh = fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
      if (hit) {
        refresh.catch(function () { /* offline: the cached copy stands */ });
        return hit;
      }
      return refresh;
    });
  }));
});
