package dev.harrow.device.emulator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.harrow.device.provider.DeviceUnavailableException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Android emulator in a container, started through the Docker Engine API: the image runs the emulator and an
 * Appium server (port 4723), published on loopback only. The container is privileged with {@code /dev/kvm}, which
 * emulator images need. {@link #close()} stops and removes it.
 */
final class EmulatorContainer implements AutoCloseable {
    static final ExposedPort APPIUM = ExposedPort.tcp(4723);
    static final String LABEL = "dev.harrow.device";
    private static final Logger log = LoggerFactory.getLogger(EmulatorContainer.class);

    private final DockerClient docker;
    private final String id;
    private final URI appiumUrl;

    private EmulatorContainer(DockerClient docker, String id, URI appiumUrl) {
        this.docker = docker;
        this.id = id;
        this.appiumUrl = appiumUrl;
    }

    /** Starts {@code image} and waits until the Appium server inside answers. */
    static EmulatorContainer start(DockerClient docker, String image, String device, Map<String, String> env,
                                   Duration timeout) throws DeviceUnavailableException {
        String id;
        try {
            CreateContainerResponse created = docker.createContainerCmd(image)
                    .withName("harrow-" + device + "-" + UUID.randomUUID().toString().substring(0, 8))
                    .withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withExposedPorts(APPIUM)
                    .withLabels(Map.of(LABEL, device))
                    .withHostConfig(HostConfig.newHostConfig()
                            .withPrivileged(true)
                            .withDevices(List.of(Device.parse("/dev/kvm")))
                            // a free host port, on loopback only
                            .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), APPIUM)))
                    .exec();
            id = created.getId();
        } catch (NotFoundException e) {
            throw new DeviceUnavailableException("the image " + image + " is not on the Docker host; pull it first ("
                    + "Harrow does not download images)", e);
        } catch (RuntimeException e) {
            throw new DeviceUnavailableException("the Docker engine refused to create the emulator container: "
                    + e.getMessage(), e);
        }
        EmulatorContainer container;
        try {
            docker.startContainerCmd(id).exec();
            InspectContainerResponse inspected = docker.inspectContainerCmd(id).exec();
            Ports.Binding[] bindings = inspected.getNetworkSettings().getPorts().getBindings().get(APPIUM);
            if (bindings == null || bindings.length == 0) {
                throw new DeviceUnavailableException("the container published no port for Appium", null);
            }
            URI url = URI.create("http://127.0.0.1:" + bindings[0].getHostPortSpec());
            container = new EmulatorContainer(docker, id, url);
        } catch (RuntimeException e) {
            removeQuietly(docker, id);
            throw new DeviceUnavailableException("the emulator container did not start: " + e.getMessage(), e);
        } catch (DeviceUnavailableException e) {
            removeQuietly(docker, id);
            throw e;
        }
        container.awaitAppium(timeout);
        log.info("emulator container {} ({}) ready, Appium at {}", id, image, container.appiumUrl);
        return container;
    }

    URI appiumUrl() {
        return appiumUrl;
    }

    String id() {
        return id;
    }

    private void awaitAppium(Duration timeout) throws DeviceUnavailableException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpURLConnection c = (HttpURLConnection) appiumUrl.resolve("/status").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // booting
            }
            try {
                TimeUnit.MILLISECONDS.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new DeviceUnavailableException("Appium in the emulator container did not answer within "
                + timeout.toSeconds() + " s", null);
    }

    @Override
    public void close() {
        try {
            docker.stopContainerCmd(id).withTimeout(10).exec();
        } catch (RuntimeException e) {
            log.debug("stopping container {} failed: {}", id, e.getMessage());
        }
        removeQuietly(docker, id);
    }

    private static void removeQuietly(DockerClient docker, String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            log.warn("removing container {} failed: {}", id, e.getMessage());
        }
    }
}
