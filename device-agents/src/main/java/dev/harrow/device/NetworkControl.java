package dev.harrow.device;

import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.NetworkProfile;
import dev.harrow.device.network.NetworkSwitch;
import java.util.List;

/**
 * The device's network as the app sees it. Offered by kinds that can change it for real: web-emulated devices through
 * the farm's own network path of each device (every request of the browser goes through it, so offline holds across
 * restarts of the app and the browser, and every request is on record), Android through Appium's connection
 * settings. A kind that cannot (iOS real devices without a proxy) offers no {@code NetworkControl}, so a scenario
 * skips with the reason instead of faking it.
 */
public interface NetworkControl {
    /** No connectivity: every request of the app fails as it would in airplane mode, until {@link #online()}. */
    void offline();

    /** Back to the device's own network (its {@code network:} in devices.yml; full by default). */
    void online();

    /** A slow link: added latency and bandwidth caps in kilobits per second (0: no cap). */
    void throttle(int latencyMillis, int downloadKbps, int uploadKbps);

    boolean isOffline();

    /** Switches to a named profile: {@code offline}, {@code 2g}, {@code 3g}, {@code 4g}, {@code lossy-wifi}... */
    default void profile(String name) {
        profile(NetworkProfile.named(name).orElseThrow(() -> new IllegalArgumentException("'" + name
                + "' is not a network profile; use one of " + NetworkProfile.NAMED.keySet())));
    }

    /** Switches to {@code profile}'s figures, from the next request on; recorded with its time. */
    void profile(NetworkProfile profile);

    /** The network the device is on now. */
    NetworkProfile current();

    /** Every switch of this session's network, the first being the network it started on. */
    List<NetworkSwitch> switches();

    /**
     * Every request the app made in this session as the device's network path saw it (what left the device, what
     * the profile did to it, what came back); empty for a kind without a path of the farm's.
     */
    List<Exchange> traffic();
}
