package dev.harrow.backend.push.sandbox;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The APNs sandbox: Pushy's MockApnsServer on loopback over TLS with a certificate made at start. It accepts every
 * well-formed push except those its {@link GatewayScript} refuses, with APNs' own reasons (CamelCase, as APNs
 * spells them: {@code Unregistered}, {@code BadDeviceToken}, {@code TooManyRequests}...); what it accepts goes to
 * the {@link SandboxInbox}, from which the device agent of an emulated iPhone delivers it to the app.
 */
public final class ApnsSandbox implements AutoCloseable {
    private final MockApnsServer server;
    private final SandboxCertificate certificate;
    private final int port;

    private ApnsSandbox(MockApnsServer server, SandboxCertificate certificate, int port) {
        this.server = server;
        this.certificate = certificate;
        this.port = port;
    }

    public static ApnsSandbox start(EventLoopGroup events, GatewayScript script, SandboxInbox inbox, Clock clock,
                                    ObjectMapper json) {
        SandboxCertificate certificate = SandboxCertificate.generate();
        try {
            MockApnsServer server = new MockApnsServerBuilder()
                    .setServerCredentials(new java.security.cert.X509Certificate[] {certificate.certificate()},
                            certificate.privateKey(), null)
                    .setEventLoopGroup(events)
                    .setHandlerFactory(session -> handler(script, inbox, clock, json))
                    .build();
            return new ApnsSandbox(server, certificate, bindLoopback(server));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the APNs sandbox: " + e.getMessage(), e);
        }
    }

    /**
     * MockApnsServer only binds every interface ({@code start(port)}); a sandbox must not be reachable from the
     * network, so this binds its bootstrap to loopback the way {@code start} does otherwise.
     */
    private static int bindLoopback(MockApnsServer server) throws IOException {
        try {
            Class<?> base = server.getClass().getSuperclass();
            Field bootstrapField = base.getDeclaredField("bootstrap");
            Field channelsField = base.getDeclaredField("allChannels");
            bootstrapField.setAccessible(true);
            channelsField.setAccessible(true);
            ServerBootstrap bootstrap = (ServerBootstrap) bootstrapField.get(server);
            ChannelFuture bound = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ((ChannelGroup) channelsField.get(server)).add(bound.channel());
            if (!bound.await(10, TimeUnit.SECONDS) || !bound.isSuccess()) {
                throw new IOException("cannot bind the APNs sandbox to loopback", bound.cause());
            }
            return ((InetSocketAddress) bound.channel().localAddress()).getPort();
        } catch (ReflectiveOperationException e) {
            throw new IOException("this Pushy version hides its server bootstrap elsewhere", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the APNs sandbox", e);
        }
    }

    private static PushNotificationHandler handler(GatewayScript script, SandboxInbox inbox, Clock clock,
                                                   ObjectMapper json) {
        return (Http2Headers headers, ByteBuf payload) -> {
            String path = headers.path().toString();
            String token = path.substring(path.lastIndexOf('/') + 1);
            var answer = script.take(token);
            if (answer.isPresent()) {
                String reason = answer.get().reason();
                if (reason.equals("Unregistered")) {
                    throw new UnregisteredDeviceTokenException(clock.instant());
                }
                throw new RejectedNotificationException(reasonOf(reason));
            }
            inbox.add(parse(inbox.nextSeq(), token, headers, payload.toString(StandardCharsets.UTF_8), clock,
                    json));
        };
    }

    /** {@code BadDeviceToken} to {@code BAD_DEVICE_TOKEN}. */
    static RejectionReason reasonOf(String camel) {
        String constant = camel.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        return RejectionReason.valueOf(constant);
    }

    private static SandboxPush parse(long seq, String token, Http2Headers headers, String payload, Clock clock,
                                     ObjectMapper json) {
        try {
            JsonNode root = json.readTree(payload);
            JsonNode aps = root.path("aps");
            JsonNode alert = aps.path("alert");
            Map<String, String> data = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("aps")) {
                    data.put(field.getKey(), field.getValue().asText());
                }
            }
            CharSequence collapse = headers.get("apns-collapse-id");
            return new SandboxPush(seq, "apns", token, alert.path("title").asText(null),
                    alert.path("body").asText(null), data, aps.has("badge") ? aps.get("badge").asInt() : null,
                    collapse == null ? null : collapse.toString(), clock.instant());
        } catch (IOException e) {
            throw new IllegalArgumentException("APNs payload is not JSON: " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public java.security.cert.X509Certificate certificate() {
        return certificate.certificate();
    }

    @Override
    public void close() {
        server.shutdown().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
