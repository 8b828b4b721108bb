package dev.harrow.farm;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * How devices reach the farm's backend and sample app: the address their servers bind and the host name or address
 * the devices are given. Loopback by default, which serves the emulated devices of this host; a phone on the LAN,
 * a device cloud tunnel or a grid node on another host needs {@code --advertise-host} (an address of this host
 * that they can route to), and the servers then bind every interface unless {@code --bind} says which.
 *
 * @param bindAddress the address the farm's servers listen on ({@code 127.0.0.1}, {@code 0.0.0.0}, an interface's)
 * @param advertiseHost the host in the URLs the devices get (collector, app)
 */
public record Reach(String bindAddress, String advertiseHost) {
    public static final Reach LOOPBACK = new Reach("127.0.0.1", "127.0.0.1");

    public Reach {
        if (bindAddress == null || bindAddress.isBlank() || advertiseHost == null || advertiseHost.isBlank()) {
            throw new IllegalArgumentException("a bind address and an advertised host are both needed");
        }
        if (!advertiseHost.matches("[A-Za-z0-9.:\\[\\]-]+")) {
            throw new IllegalArgumentException("--advertise-host '" + advertiseHost + "' is not a host name or "
                    + "address, such as 192.168.1.20 or farm.lan");
        }
    }

    /**
     * The reach for these options: loopback when no host is advertised; else every interface, or {@code bind}
     * when given.
     */
    public static Reach of(String advertiseHost, String bind) {
        if (advertiseHost == null) {
            return bind == null ? LOOPBACK : new Reach(bind, "127.0.0.1");
        }
        return new Reach(bind == null ? "0.0.0.0" : bind, advertiseHost);
    }

    /** {@code local} (a server of the farm's, as it sees itself) with the advertised host. */
    public URI advertised(URI local) {
        try {
            return new URI(local.getScheme(), local.getUserInfo(), advertiseHost, local.getPort(), local.getPath(),
                    local.getQuery(), local.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot advertise " + local + " as " + advertiseHost, e);
        }
    }

    public boolean isLoopback() {
        return equals(LOOPBACK);
    }
}
