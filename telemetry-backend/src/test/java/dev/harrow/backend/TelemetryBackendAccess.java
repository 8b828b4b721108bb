package dev.harrow.backend;

import com.mongodb.client.MongoClient;
import java.time.Duration;

/** The backend's own MongoDB client settings, for store tests in other packages. */
public final class TelemetryBackendAccess {
    private TelemetryBackendAccess() {
    }

    public static MongoClient mongoClient(String uri, Duration timeout) {
        return TelemetryBackend.mongoClient(uri, timeout);
    }
}
