package dev.harrow.scenario;

import dev.harrow.backend.TelemetryBackend;
import dev.harrow.backend.client.BackendConnection;
import dev.harrow.sampleapp.SampleAppServer;
import java.net.URI;
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
    static final String APP_ID = "sample";

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
        // Both are AutoCloseable: JUnit closes them when the run ends.
        ExtensionContext.Store store = context.getRoot().getStore(
                ExtensionContext.Namespace.create(BackendExtension.class));
        TelemetryBackend backend = store.getOrComputeIfAbsent(TelemetryBackend.class,
                key -> TelemetryBackend.startEmbedded(APP_ID), TelemetryBackend.class);
        SampleAppServer app = store.getOrComputeIfAbsent(SampleAppServer.class, key -> SampleAppServer.start(),
                SampleAppServer.class);
        return new Backend(backend.connectionFor(APP_ID), app.appUri());
    }
}
