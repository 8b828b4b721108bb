package dev.harrow.device.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.remote.http.HttpHandler;
import org.openqa.selenium.remote.http.HttpMethod;
import org.openqa.selenium.remote.http.HttpRequest;
import org.openqa.selenium.remote.http.HttpResponse;

class DeviceActivityTest {
    @Test
    void everyCommandAndEveryAnswerCountsAsActivity() {
        DeviceActivity activity = new DeviceActivity();
        await().atMost(Duration.ofSeconds(5)).until(() -> activity.idle().toMillis() >= 50);

        Duration silent = activity.idle();
        HttpHandler device = request -> new HttpResponse().setStatus(200);
        activity.filter().apply(device).execute(new HttpRequest(HttpMethod.GET, "/status"));
        assertThat(activity.idle()).isLessThan(silent);

        await().atMost(Duration.ofSeconds(5)).until(() -> activity.idle().toMillis() >= 50);
        Duration silentAgain = activity.idle();
        HttpHandler failing = request -> {
            throw new IllegalStateException("connection refused");
        };
        assertThatThrownBy(() -> activity.filter().apply(failing).execute(new HttpRequest(HttpMethod.GET, "/x")))
                .hasMessage("connection refused");
        assertThat(activity.idle()).isLessThan(silentAgain);
    }
}
