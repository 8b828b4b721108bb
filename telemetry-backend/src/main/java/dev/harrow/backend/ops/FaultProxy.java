package dev.harrow.backend.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP relay on loopback between the backend and one store, for fault injection in test harnesses: the store is
 * cut off the same way whether it is embedded or a real server. {@code DOWN} resets every connection and refuses new
 * ones (a store that is stopped); {@code HANG} accepts connections and never answers (a store that times out).
 * Only started when fault controls are enabled by configuration.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the relay does with traffic. */
    public enum Mode {
        UP, DOWN, HANG;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Mode> fromWire(String value) {
            for (Mode m : values()) {
                if (m.wire().equals(value)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);

    private final String store;
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final ExecutorService pumps;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.UP;
    private volatile boolean closed;

    public FaultProxy(String store, String targetHost, int targetPort) {
        this.store = store;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the fault relay for " + store, e);
        }
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "harrow-fault-relay-" + store);
            t.setDaemon(true);
            return t;
        });
        pumps.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    public void set(Mode next) {
        Mode previous = mode;
        mode = next;
        if (next != previous) {
            log.warn("fault control: {} is now {}", store, next.wire());
            // DOWN resets what is connected. Leaving HANG resets too: bytes were dropped, the sessions are broken.
            // Entering HANG keeps connections open and silent.
            if (next == Mode.DOWN || previous == Mode.HANG) {
                open.forEach(FaultProxy::closeQuietly);
                open.clear();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.debug("fault relay for {} stopped accepting: {}", store, e.getMessage());
                }
                return;
            }
            Mode now = mode;
            if (now == Mode.DOWN) {
                closeQuietly(client);
                continue;
            }
            open.add(client);
            if (now == Mode.HANG) {
                pumps.execute(() -> swallow(client));
                continue;
            }
            pumps.execute(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
            open.add(upstream);
            pumps.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (mode == Mode.HANG) {
                    continue; // a hung store: what is sent is never answered
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    /** Reads and drops what the client sends, never answering: the client's own timeout decides. */
    private void swallow(Socket client) {
        byte[] buffer = new byte[4096];
        try (InputStream in = client.getInputStream()) {
            while (in.read(buffer) != -1) {
                // discard
            }
        } catch (IOException ignored) {
            // closed by a mode change or by the client
        } finally {
            open.remove(client);
            closeQuietly(client);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(FaultProxy::closeQuietly);
        pumps.shutdownNow();
    }
}
