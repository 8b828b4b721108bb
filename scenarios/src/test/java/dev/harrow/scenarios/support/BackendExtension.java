package dev.harrow.scenarios.support;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.backend.config.AppKey;
import dev.harrow.backend.config.BackendConfig;
import dev.harrow.backend.config.Secrets;
import dev.harrow.sampleapp.SampleAppServer;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the {@link Backend}. Under the farm it is the backend the farm started (JUnit configuration parameters of
 * {@link BackendConnection} and {@link SampleAppServer#APP_URL_PARAMETER}); run alone, the extension starts an
 * embedded backend and the sample app server itself, once per run.
 */
public final class BackendExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Backend.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Optional<BackendConnection> farm = BackendConnection.fromParameters(context::getConfigurationParameter);
        if (farm.isPresent()) {
            URI app = context.getConfigurationParameter(SampleAppServer.APP_URL_PARAMETER).map(URI::create)
                    .orElseThrow(() -> new ParameterResolutionException("the farm set a backend but no "
                            + SampleAppServer.APP_URL_PARAMETER));
            return new Backend(farm.get(), app);
        }
        return context.getRoot().getStore(ExtensionContext.Namespace.create(BackendExtension.class))
                .getOrComputeIfAbsent(LocalBackend.class, key -> LocalBackend.start(), LocalBackend.class).backend();
    }

    /** An embedded backend and app server for a run outside the farm. */
    static final class LocalBackend implements AutoCloseable {
        private final TelemetryBackend backend;
        private final SampleAppServer app;
        private final Backend handle;

        private LocalBackend(TelemetryBackend backend, SampleAppServer app, Backend handle) {
            this.backend = backend;
            this.app = app;
            this.handle = handle;
        }

        static LocalBackend start() {
            String appKey = Secrets.randomToken(12);
            String adminToken = Secrets.randomToken(16);
            TelemetryBackend backend = TelemetryBackend.start(
                    BackendConfig.embedded(List.of(new AppKey("sample", appKey)), adminToken));
            SampleAppServer app = SampleAppServer.start();
            return new LocalBackend(backend, app,
                    new Backend(new BackendConnection(backend.baseUri(), adminToken, appKey), app.appUri()));
        }

        Backend backend() {
            return handle;
        }

        @Override
        public void close() {
            try {
                app.close();
            } finally {
                backend.close();
            }
        }
    }
}
