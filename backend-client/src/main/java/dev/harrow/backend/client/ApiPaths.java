package dev.harrow.backend.client;

/**
 * The backend's HTTP API as its clients address it: one definition shared by the server's endpoints and by
 * {@link BackendClient}, so that a path cannot drift between them. Documented in docs/BACKEND.md.
 */
public final class ApiPaths {
    /** The collector: batches of events from apps ({@code POST}, with {@link #APP_KEY_HEADER}). */
    public static final String EVENTS = "/v1/events";
    /** The header that carries an app's key. */
    public static final String APP_KEY_HEADER = "X-App-Key";
    /** Push registrations from apps. */
    public static final String PUSH_TOKENS = "/v1/push/tokens";
    public static final String LIVE = "/health/live";
    public static final String READY = "/health/ready";
    public static final String ADMIN_EVENTS = "/admin/v1/events";
    public static final String ADMIN_EVENT_COUNT = "/admin/v1/events/count";
    public static final String ADMIN_FAULTS = "/admin/v1/faults";
    public static final String ADMIN_METRICS_REBUILD = "/admin/v1/metrics/rebuild";
    public static final String ADMIN_PUSH_MESSAGES = "/admin/v1/push/messages";
    public static final String ADMIN_PUSH_TOKENS = "/admin/v1/push/tokens";
    public static final String ADMIN_PUSH_DELIVERIES = "/admin/v1/push/deliveries";
    public static final String ADMIN_PUSH_SANDBOX = "/admin/v1/push/sandbox";
    public static final String ADMIN_PUSH_SANDBOX_SCRIPT = "/admin/v1/push/sandbox/script";

    private ApiPaths() {
    }
}
