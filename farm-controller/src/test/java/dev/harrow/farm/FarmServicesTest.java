package dev.harrow.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harrow.backend.client.BackendConnection;
import dev.harrow.sampleapp.SampleAppServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where devices reach the farm's backend and app. 127.0.0.2 stands for a LAN address of this host: Linux routes
 * all of 127.0.0.0/8 to loopback, so the test needs no network of its own.
 */
class FarmServicesTest {
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void devicesAreGivenTheAdvertisedHostAndTheServersAnswerThere() throws Exception {
        try (FarmServices services = FarmServices.start(Reach.of("127.0.0.2", null))) {
            Map<String, String> parameters = services.scenarioParameters();
            URI collector = URI.create(parameters.get(BackendConnection.URL_PARAMETER));
            URI app = URI.create(parameters.get(SampleAppServer.APP_URL_PARAMETER));

            assertThat(collector.getHost()).isEqualTo("127.0.0.2");
            assertThat(app.getHost()).isEqualTo("127.0.0.2");
            assertThat(status(collector.resolve("/health/live"))).isEqualTo(200);
            assertThat(status(app)).isEqualTo(200);
            assertThat(services.connection().baseUri().getHost()).as("the farm itself uses loopback")
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void byDefaultTheServersListenOnLoopbackOnly() throws Exception {
        try (FarmServices services = FarmServices.start()) {
            URI collector = URI.create(services.scenarioParameters().get(BackendConnection.URL_PARAMETER));
            assertThat(collector.getHost()).isEqualTo("127.0.0.1");
            assertThat(status(collector.resolve("/health/live"))).isEqualTo(200);

            URI elsewhere = Reach.of("127.0.0.2", null).advertised(collector.resolve("/health/live"));
            assertThatThrownBy(() -> status(elsewhere)).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aHostThatIsNoHostIsRefused() {
        assertThatThrownBy(() -> Reach.of("farm lan/", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--advertise-host 'farm lan/' is not a host name or address");
    }

    int status(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
