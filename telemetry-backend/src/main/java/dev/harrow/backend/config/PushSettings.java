package dev.harrow.backend.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The push service: where APNs and FCM are, with which credentials, and how the dispatcher paces itself.
 * {@link #toString()} never shows a key. With {@code sandbox} on, the backend starts Pushy's MockApnsServer and a
 * stub of the FCM HTTP v1 API on loopback and points its clients at them, with credentials made up at start: the
 * mode for emulated devices and tests. Without it, a platform whose credentials are missing is not sent to: its
 * deliveries fail with "no APNs credentials" rather than the backend refusing to start.
 *
 * @param apns APNs token-based credentials and host; null when not configured
 * @param fcm the Firebase project and service account; null when not configured
 */
public record PushSettings(boolean enabled, boolean sandbox, Apns apns, Fcm fcm, Dispatch dispatch, Guard guard) {

    public PushSettings(boolean enabled, boolean sandbox, Apns apns, Fcm fcm, Dispatch dispatch) {
        this(enabled, sandbox, apns, fcm, dispatch, Guard.defaults());
    }

    public PushSettings {
        Objects.requireNonNull(dispatch, "dispatch");
        guard = guard == null ? Guard.defaults() : guard;
        if (sandbox && !enabled) {
            throw new ConfigException("push.sandbox: needs push.enabled");
        }
    }

    /** Push on, through sandbox gateways on loopback: what embedded backends and the farm use. */
    public static PushSettings sandboxed() {
        return new PushSettings(true, true, null, null, Dispatch.defaults());
    }

    public static PushSettings disabled() {
        return new PushSettings(false, false, null, null, Dispatch.defaults());
    }

    public PushSettings withDispatch(Dispatch value) {
        return new PushSettings(enabled, sandbox, apns, fcm, value, guard);
    }

    public PushSettings withApns(Apns value) {
        return new PushSettings(enabled, sandbox, value, fcm, dispatch, guard);
    }

    public PushSettings withFcm(Fcm value) {
        return new PushSettings(enabled, sandbox, apns, value, dispatch, guard);
    }

    public PushSettings withGuard(Guard value) {
        return new PushSettings(enabled, sandbox, apns, fcm, dispatch, value);
    }

    /**
     * What keeps anyone holding the app key (every copy of the app has it) from spending the push quota or faking
     * the delivery figures (docs/SECURITY.md).
     *
     * @param registrationsPerDevicePerMinute registrations one device id may make in a minute (then 429)
     * @param registrationsPerAddressPerMinute registrations one client address may make in a minute (then 429)
     * @param receiptClockAllowance how far a receipt's time may lie before the push was sent, or after now: the
     *        device's clock against the backend's
     */
    public record Guard(int registrationsPerDevicePerMinute, int registrationsPerAddressPerMinute,
                        Duration receiptClockAllowance) {
        public Guard {
            if (registrationsPerDevicePerMinute < 1 || registrationsPerAddressPerMinute < 1) {
                throw new ConfigException("push.registrationsPer...PerMinute: must be positive");
            }
            if (receiptClockAllowance == null || receiptClockAllowance.isNegative()) {
                throw new ConfigException("push.receiptClockAllowanceSeconds: must not be negative");
            }
        }

        /** 30 registrations a minute per device, 600 per address; receipts within 10 minutes of the clocks. */
        public static Guard defaults() {
            return new Guard(30, 600, Duration.ofMinutes(10));
        }
    }

    @Override
    public String toString() {
        return "PushSettings[enabled=" + enabled + ", sandbox=" + sandbox + ", apns=" + apns + ", fcm=" + fcm
                + ", dispatch=" + dispatch + "]";
    }

    /**
     * APNs with a token-signing key (.p8). The key comes from a file or, for containers, from the environment
     * ({@code APNS_SIGNING_KEY}, the PEM text).
     *
     * @param host {@code api.push.apple.com}, {@code api.sandbox.push.apple.com}, or a host of your own
     * @param concurrency how many notifications may be in flight at once (Pushy's client queues the rest)
     */
    public record Apns(String keyId, String teamId, String topic, Path keyFile, String keyPem, String host, int port,
                       int concurrency) {
        public static final String PRODUCTION = "api.push.apple.com";
        public static final String DEVELOPMENT = "api.sandbox.push.apple.com";

        public Apns {
            if (keyId == null || !keyId.matches("[A-Z0-9]{10}")) {
                throw new ConfigException("push.apns.keyId: the 10-character key id of the .p8 key, was " + keyId);
            }
            if (teamId == null || !teamId.matches("[A-Z0-9]{10}")) {
                throw new ConfigException("push.apns.teamId: the 10-character team id, was " + teamId);
            }
            if (topic == null || topic.isBlank()) {
                throw new ConfigException("push.apns.topic: the app's bundle id is required");
            }
            if ((keyFile == null) == (keyPem == null)) {
                throw new ConfigException("push.apns: give the signing key as keyFile or as APNS_SIGNING_KEY, "
                        + "exactly one");
            }
            if (keyFile != null && !Files.isReadable(keyFile)) {
                throw new ConfigException("push.apns.keyFile: cannot read " + keyFile);
            }
            if (host == null || host.isBlank()) {
                throw new ConfigException("push.apns.host: must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new ConfigException("push.apns.port: " + port + " is not a port number");
            }
            if (concurrency < 1 || concurrency > 10_000) {
                throw new ConfigException("push.apns.concurrency: between 1 and 10000, was " + concurrency);
            }
        }

        @Override
        public String toString() {
            return "Apns[keyId=" + keyId + ", teamId=" + teamId + ", topic=" + topic + ", key="
                    + (keyFile != null ? keyFile : "(from environment, hidden)") + ", host=" + host + ":" + port
                    + ", concurrency=" + concurrency + "]";
        }
    }

    /**
     * FCM HTTP v1 with a service account: a JSON file, or its text in {@code FCM_SERVICE_ACCOUNT}.
     *
     * @param endpoint null for Google's; a base URL such as {@code http://127.0.0.1:9099} for a stub
     */
    public record Fcm(String projectId, Path serviceAccountFile, String serviceAccountJson, String endpoint,
                      int concurrency) {
        public Fcm {
            if (projectId == null || !projectId.matches("[a-z][a-z0-9-]{3,62}")) {
                throw new ConfigException("push.fcm.projectId: a Firebase project id, was " + projectId);
            }
            if ((serviceAccountFile == null) == (serviceAccountJson == null)) {
                throw new ConfigException("push.fcm: give the service account as serviceAccountFile or as "
                        + "FCM_SERVICE_ACCOUNT, exactly one");
            }
            if (serviceAccountFile != null && !Files.isReadable(serviceAccountFile)) {
                throw new ConfigException("push.fcm.serviceAccountFile: cannot read " + serviceAccountFile);
            }
            if (concurrency < 1 || concurrency > 1000) {
                throw new ConfigException("push.fcm.concurrency: between 1 and 1000, was " + concurrency);
            }
        }

        @Override
        public String toString() {
            return "Fcm[projectId=" + projectId + ", serviceAccount=" + (serviceAccountFile != null
                    ? serviceAccountFile : "(from environment, hidden)") + ", endpoint="
                    + (endpoint == null ? "Google" : endpoint) + ", concurrency=" + concurrency + "]";
        }
    }

    /**
     * How deliveries are taken from the durable schedule and retried.
     *
     * @param poll how often the dispatcher looks for due deliveries when it has nothing to do
     * @param batch how many deliveries it claims at once
     * @param lease how long a claim holds before another instance may take the delivery over (a crashed sender)
     * @param maxAttempts sends of one delivery, the first included, before it counts as failed
     * @param backoff the first retry's delay; doubled for each further attempt, with full jitter, up to
     *        {@code maxBackoff}; a gateway's {@code Retry-After} is honoured when longer
     * @param sweep how often an instance reads the whole schedule for what it does not know of: deliveries of
     *        messages another instance created, claims that expired, work left by a restart
     */
    public record Dispatch(Duration poll, int batch, Duration lease, int maxAttempts, Duration backoff,
                           Duration maxBackoff, Duration sweep) {
        public Dispatch {
            positive("sweep", sweep);
            positive("poll", poll);
            positive("lease", lease);
            positive("backoff", backoff);
            positive("maxBackoff", maxBackoff);
            if (batch < 1 || batch > 5000) {
                throw new ConfigException("push.dispatch.batch: between 1 and 5000, was " + batch);
            }
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new ConfigException("push.dispatch.maxAttempts: between 1 and 100, was " + maxAttempts);
            }
        }

        /** Poll every 200 ms, 500 at a time, 60 s leases, 5 attempts from 1 s up to 5 min, sweep every 5 s. */
        public static Dispatch defaults() {
            return new Dispatch(Duration.ofMillis(200), 500, Duration.ofSeconds(60), 5, Duration.ofSeconds(1),
                    Duration.ofMinutes(5), Duration.ofSeconds(5));
        }

        private static void positive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new ConfigException("push.dispatch." + name + ": must be a positive duration, was " + value);
            }
        }
    }
}
