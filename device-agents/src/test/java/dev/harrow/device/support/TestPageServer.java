package dev.harrow.device.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Serves one small page on loopback that shows what the browser believes about itself. */
public final class TestPageServer implements AutoCloseable {
    static final String PAGE = """
            <!doctype html>
            <html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>probe</title></head>
            <body>
            <pre id="probe"></pre>
            <script>
              localStorage.setItem('visits', String(Number(localStorage.getItem('visits') || '0') + 1));
              const info = {
                userAgent: navigator.userAgent,
                width: window.innerWidth,
                touch: navigator.maxTouchPoints,
                timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                language: navigator.language,
                query: Object.fromEntries(new URLSearchParams(location.search)),
                visits: Number(localStorage.getItem('visits'))
              };
              document.getElementById('probe').textContent = JSON.stringify(info);
              window.probe = info;
              window.netEvents = [];
              addEventListener('online', function () { window.netEvents.push('online'); });
              addEventListener('offline', function () { window.netEvents.push('offline'); });
              window.pushes = [];
              window.HarrowApp = { receivePush: function (n) { window.pushes.push(n); } };
              // what an analytics SDK does when the app goes to the background: flush with a keepalive request
              function flush() {
                fetch('/collect', { method: 'POST', keepalive: true, body: 'flush' }).catch(function () {});
                navigator.sendBeacon('/collect', 'beacon');
              }
              document.addEventListener('visibilitychange', function () {
                if (document.visibilityState === 'hidden') { flush(); }
              });
              addEventListener('pagehide', flush);
              if (info.query.sw) {
                navigator.serviceWorker.register('/sw.js');
                window.swPing = function () {
                  return navigator.serviceWorker.ready.then(function (r) { r.active.postMessage('ping'); });
                };
              }
            </script>
            </body></html>
            """;

    static final String WORKER = """
            self.addEventListener('install', function (e) { self.skipWaiting(); });
            self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });
            self.addEventListener('message', function (e) {
              e.waitUntil(fetch('/sw-ping', { method: 'POST', body: 'from the worker' }).catch(function () {}));
            });
            """;

    private final HttpServer server;
    private final java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TestPageServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/collect") || path.equals("/sw-ping")) {
                exchange.getRequestBody().readAllBytes();
                received.add(path);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
                return;
            }
            boolean worker = path.equals("/sw.js");
            byte[] body = (worker ? WORKER : PAGE).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", worker ? "text/javascript"
                    : "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    /** The paths of the requests that reached this server's collecting endpoints, in order. */
    public java.util.List<String> received() {
        return java.util.List.copyOf(received);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/app/");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
