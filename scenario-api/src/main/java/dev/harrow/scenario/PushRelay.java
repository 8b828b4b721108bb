package dev.harrow.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harrow.device.AppLaunch;
import dev.harrow.device.Device;
import dev.harrow.device.Platform;
import dev.harrow.device.PushNotification;
import io.qameta.allure.Allure;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * The device's side of a sandbox push gateway: what the gateway accepted for this device is handed to the app as
 * the OS would (the device's {@link dev.harrow.device.PushInbox}). A device without an inbox (a real phone) skips the
 * scenario: the real gateways deliver there.
 */
public final class PushRelay {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Backend backend;
    private final Device device;
    private final List<JsonNode> seen = new ArrayList<>();
    private long after;

    public PushRelay(Backend backend, Device device) {
        this.backend = backend;
        this.device = device;
        device.pushInbox().orSkip();
    }

    /** A fresh token of the kind the device's platform gets: 32 bytes in hex from APNs, an opaque string from FCM. */
    public static String newToken(Device device) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String hex = HexFormat.of().formatHex(bytes);
        return device.platform() == Platform.IOS ? hex : "fcm-" + device.name() + "-" + hex.substring(0, 24);
    }

    /** The gateway an app of this platform registers with. */
    public static String gatewayOf(Device device) {
        return device.platform() == Platform.IOS ? "apns" : "fcm";
    }

    /**
     * Installs the app afresh with a new push token, launches it with {@code launcher} (given the launch with the
     * token among its parameters, {@code pushToken}), and waits until the backend holds the app's registration,
     * active: the start of every push scenario. Returns what the launcher returned (the app's page object).
     */
    public <A> A launchRegistered(Function<AppLaunch, A> launcher, Duration within) {
        device.app().clearData();
        // A fresh install has lost the installation secret of the last one: support forgets the device's
        // registration, as it would for a reinstalled app (docs/SECURITY.md).
        backend.client().forgetPushToken(device.name());
        String token = newToken(device);
        A app = Allure.step("launch the app; it registers its push token",
                () -> launcher.apply(backend.launchFor(device).with("pushToken", token)));
        Allure.step("the backend holds the registration", () -> awaitRegistered(token, within));
        return app;
    }

    /** Waits until the backend holds the app's registration of {@code token}, active. */
    public JsonNode awaitRegistered(String token, Duration within) {
        return Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> backend.client().pushToken(device.name()),
                        t -> token.equals(t.path("token").asText()) && t.path("active").asBoolean());
    }

    /** What the gateway accepted for this device since the last call, without handing it to the app. */
    public List<JsonNode> accepted() {
        List<JsonNode> fresh = new ArrayList<>();
        for (JsonNode push : backend.client().sandboxPushes(after, device.name())) {
            after = Math.max(after, push.get("seq").asLong());
            fresh.add(push);
        }
        seen.addAll(fresh);
        return fresh;
    }

    /** Waits until the gateway accepted pushes for this device and hands each to the app; returns them. */
    public List<JsonNode> deliverNext(Duration within) {
        List<JsonNode> pushes = new ArrayList<>();
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            pushes.addAll(accepted());
            return !pushes.isEmpty();
        });
        pushes.forEach(this::deliver);
        return pushes;
    }

    /** Hands one accepted push to the app. */
    public void deliver(JsonNode push) {
        Map<String, Object> data = new LinkedHashMap<>();
        push.path("data").fields().forEachRemaining(f -> data.put(f.getKey(), f.getValue().asText()));
        device.pushInbox().get().deliver(new PushNotification(push.path("data").path("messageId").asText(),
                push.path("title").asText(), push.path("body").asText(), data, push.path("gateway").asText()));
    }

    /** Every push the gateway accepted for this device while relayed, for the report. */
    public List<JsonNode> seen() {
        return List.copyOf(seen);
    }
}
