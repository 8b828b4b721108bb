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
            </script>
            </body></html>
            """;

    private final HttpServer server;

    public TestPageServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/app/");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
