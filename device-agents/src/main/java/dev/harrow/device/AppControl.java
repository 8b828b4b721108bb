package dev.harrow.device;

/** Starting and stopping the app under test on a device. */
public interface AppControl {
    /** Starts the app with {@code launch}'s parameters, replacing whatever ran before, and waits until it shows. */
    void launch(AppLaunch launch);

    /** Wipes the app's stored data (for a web app: the origin's storage) so that the next launch starts fresh. */
    void clearData();

    /**
     * Kills the app and starts it again with the last launch's parameters, keeping its stored data, as a user who
     * swipes the app away and opens it again. The device's network state is kept.
     */
    void restart();
}
