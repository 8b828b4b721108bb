package dev.harrow.device.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for the servers the runtime starts. */
public final class FreePorts {
    private FreePorts() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before it is bound; callers that start a
     * server on it retry with a new port when the bind fails.
     */
    public static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
