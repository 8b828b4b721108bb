package dev.harrow.backend.config;

/** One app allowed to send telemetry: its id (stored with every event) and the key it sends in {@code X-App-Key}. */
public record AppKey(String appId, String key) {
    public AppKey {
        if (appId == null || !appId.matches("[a-z0-9][a-z0-9_-]{0,31}")) {
            throw new ConfigException("apps[].id: must be 1-32 lowercase letters, digits, '_' or '-', was " + appId);
        }
        if (key == null || key.length() < 8) {
            throw new ConfigException("apps[" + appId + "].key: must be at least 8 characters");
        }
    }

    /** Never print the key itself. */
    @Override
    public String toString() {
        return "AppKey[" + appId + "]";
    }
}
