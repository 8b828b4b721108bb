package dev.harrow.device;

/**
 * The device's network as the app sees it. Offered by kinds that can change it for real (DevTools on emulated
 * devices, Appium's connection settings on Android); a kind that cannot (iOS real devices without a proxy) offers
 * no {@code NetworkControl}, so a scenario skips with the reason instead of faking it.
 */
public interface NetworkControl {
    /** No connectivity: every request of the app fails as it would in airplane mode. */
    void offline();

    /** Back to the device's normal network. */
    void online();

    /** A slow link: added latency and bandwidth caps in kilobits per second (0: no cap). */
    void throttle(int latencyMillis, int downloadKbps, int uploadKbps);

    boolean isOffline();
}
