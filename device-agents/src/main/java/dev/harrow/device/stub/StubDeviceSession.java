package dev.harrow.device.stub;

import dev.harrow.device.AppControl;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.Capability;
import dev.harrow.device.DeviceCapability;
import dev.harrow.device.DeviceKind;
import dev.harrow.device.DeviceLogEntry;
import dev.harrow.device.DeviceLogs;
import dev.harrow.device.Localization;
import dev.harrow.device.NetworkControl;
import dev.harrow.device.network.Exchange;
import dev.harrow.device.network.NetworkProfile;
import dev.harrow.device.network.NetworkSwitch;
import dev.harrow.device.Platform;
import dev.harrow.device.PushInbox;
import dev.harrow.device.PushNotification;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceActivity;
import dev.harrow.device.provider.DeviceSession;
import io.appium.java_client.AppiumDriver;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session on a {@link StubDeviceProvider} device: records what was asked of it, and offers the capabilities a device
 * of its kind and platform offers ({@link DeviceCapability}).
 */
public final class StubDeviceSession implements DeviceSession, AppControl, NetworkControl, Localization, DeviceLogs,
        PushInbox {
    private final DeviceSpec spec;
    private final StubDeviceProvider.Script script;
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final DeviceActivity activity = new DeviceActivity();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final List<AppLaunch> launches = new CopyOnWriteArrayList<>();
    private final List<PushNotification> pushes = new CopyOnWriteArrayList<>();
    private final List<DeviceLogEntry> log = new CopyOnWriteArrayList<>();
    private final List<DeviceLogEntry> fresh = new CopyOnWriteArrayList<>();
    private volatile boolean offline;
    private volatile NetworkProfile network = NetworkProfile.FULL;
    private final java.util.List<NetworkSwitch> switches = new java.util.concurrent.CopyOnWriteArrayList<>(
            java.util.List.of(new NetworkSwitch(java.time.Instant.now(), NetworkProfile.FULL)));
    private volatile ZoneId zone;
    private volatile String locale;

    StubDeviceSession(DeviceSpec spec, StubDeviceProvider.Script script) {
        this.spec = spec;
        this.script = script;
        this.zone = spec.timeZoneIfSet().orElse(ZoneId.of("UTC"));
        this.locale = spec.localeIfSet().orElse("en-US");
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Platform platform() {
        return spec.platform();
    }

    @Override
    public DeviceKind kind() {
        return spec.kind();
    }

    /** A stub has no Appium session; scenarios that drive a UI need a real device. */
    @Override
    public AppiumDriver driver() {
        throw new UnsupportedOperationException("stub device " + spec.name() + " has no Appium session");
    }

    @Override
    public AppControl app() {
        return this;
    }

    /** Stub devices do nothing by themselves: whoever plays a scenario on one touches this as it works. */
    @Override
    public DeviceActivity activity() {
        return activity;
    }

    /** Whether the session still answers (a scenario playing on it checks, as a real driver call would fail). */
    public boolean answering() {
        return !dead.get() && !closed.get();
    }

    @Override
    public Capability<NetworkControl> network() {
        return DeviceCapability.NETWORK_CONTROL.offer(spec, this);
    }

    @Override
    public Capability<Localization> localization() {
        return DeviceCapability.LOCALIZATION.offer(spec, this);
    }

    @Override
    public Capability<DeviceLogs> logs() {
        return DeviceCapability.DEVICE_LOGS.offer(spec, this);
    }

    @Override
    public Capability<PushInbox> pushInbox() {
        return DeviceCapability.PUSH_INBOX.offer(spec, this);
    }

    @Override
    public byte[] screenshot() {
        return new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    }

    @Override
    public boolean isResponsive() {
        if (closed.get() || dead.get()) {
            return false;
        }
        int check = healthChecks.incrementAndGet();
        if (script.diesAfterResponses() >= 0 && check > script.diesAfterResponses()) {
            dead.set(true);
            return false;
        }
        return true;
    }

    @Override
    public void reset() {
        if (dead.get() || closed.get()) {
            throw new IllegalStateException("stub " + spec.name() + " does not answer");
        }
        if (script.resetsFail()) {
            throw new IllegalStateException("stub " + spec.name() + ": scripted reset failure");
        }
        resets.incrementAndGet();
        offline = false;
    }

    /** Makes the session stop answering from now on, as a device that is unplugged mid-test. */
    public void die() {
        dead.set(true);
    }

    @Override
    public void close() {
        closed.set(true);
    }

    public boolean closed() {
        return closed.get();
    }

    /** How many times the session was asked whether it answers. */
    public int healthChecks() {
        return healthChecks.get();
    }

    public int resets() {
        return resets.get();
    }

    public List<AppLaunch> launches() {
        return List.copyOf(launches);
    }

    public List<PushNotification> pushes() {
        return List.copyOf(pushes);
    }

    /** Adds a line to the device's log, as the device would. */
    public void logs(String level, String message) {
        DeviceLogEntry entry = new DeviceLogEntry(Instant.now(), "stub", level, message);
        fresh.add(entry);
    }

    @Override
    public void launch(AppLaunch launch) {
        launches.add(launch);
    }

    @Override
    public void clearData() {
    }

    @Override
    public void restart() {
    }

    @Override
    public void offline() {
        profile(NetworkProfile.OFFLINE);
    }

    @Override
    public void online() {
        profile(NetworkProfile.FULL);
    }

    @Override
    public void throttle(int latencyMillis, int downloadKbps, int uploadKbps) {
        profile(new NetworkProfile("custom", false, new NetworkProfile.Direction(uploadKbps, latencyMillis / 2, 0, 0),
                new NetworkProfile.Direction(downloadKbps, latencyMillis / 2, 0, 0)));
    }

    @Override
    public boolean isOffline() {
        return offline;
    }

    @Override
    public void profile(NetworkProfile profile) {
        offline = profile.offline();
        network = profile;
        switches.add(new NetworkSwitch(java.time.Instant.now(), profile));
    }

    @Override
    public NetworkProfile current() {
        return network;
    }

    @Override
    public java.util.List<NetworkSwitch> switches() {
        return java.util.List.copyOf(switches);
    }

    @Override
    public java.util.List<Exchange> traffic() {
        return java.util.List.of();
    }

    @Override
    public ZoneId timeZone() {
        return zone;
    }

    @Override
    public String locale() {
        return locale;
    }

    @Override
    public void setTimeZone(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public void setLocale(String languageTag) {
        this.locale = languageTag;
    }

    @Override
    public List<DeviceLogEntry> drain() {
        List<DeviceLogEntry> out = new ArrayList<>(fresh);
        fresh.removeAll(out);
        log.addAll(out);
        return out;
    }

    @Override
    public List<DeviceLogEntry> all() {
        drain();
        return List.copyOf(log);
    }

    @Override
    public void deliver(PushNotification notification) {
        pushes.add(notification);
    }

    @Override
    public String toString() {
        return "stub " + spec;
    }
}
