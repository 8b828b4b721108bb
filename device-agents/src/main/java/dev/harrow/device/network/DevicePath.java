package dev.harrow.device.network;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's network as the farm owns it: a forward proxy on loopback that every request of the device's browser goes
 * through (documents, fetch and XHR including {@code keepalive} and beacons, service workers, WebSockets through
 * {@code CONNECT}, and the first requests of a browser started again), because the browser is started to use it for
 * loopback too. So a device is offline for as long as its path says, whatever the app, its service worker or a
 * restart of the browser does, and the path keeps the record of every request: what it was, what the profile did to
 * it, what came back ({@link Exchange}, written out as HAR).
 *
 * <p>It forwards only to the hosts the run uses (loopback, and what {@link #allow} added) and refuses any other at
 * once, without looking it up: a browser asks for its own services at start, and a device's path must not leave the
 * machine.
 */
public final class DevicePath implements AutoCloseable {
    /** The largest request or answer held to be shaped; bigger ones fail (an app under test sends far less). */
    static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(DevicePath.class);

    private final String device;
    private final Clock clock;
    private final EventLoopGroup group;
    private final Channel server;
    private final Set<String> allowed = ConcurrentHashMap.newKeySet();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<NetworkSwitch> switches = new CopyOnWriteArrayList<>();
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile NetworkProfile profile;
    /**
     * Held while a switch is recorded and while a request reads its start time and profile, so that a request's
     * start is after a switch exactly when it was handled under the new profile: the record can be trusted to the
     * request.
     */
    private final Object switching = new Object();
    /** Whether request bodies are kept in the record: {@code -Dfarm.har.bodies=true} (they are the app's data). */
    private volatile boolean keepBodies = Boolean.getBoolean("farm.har.bodies");

    private DevicePath(String device, NetworkProfile initial, Clock clock) throws InterruptedException {
        this.device = device;
        this.clock = clock;
        this.profile = initial;
        switches.add(new NetworkSwitch(clock.instant(), initial));
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        open.add(ch);
                        ch.closeFuture().addListener(f -> open.remove(ch));
                        ch.pipeline().addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_MESSAGE_BYTES))
                                .addLast("proxy", new ClientSide());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** Starts a path for {@code device} on a free loopback port, on {@code initial}'s network. */
    public static DevicePath start(String device, NetworkProfile initial) {
        return start(device, initial, Clock.systemUTC());
    }

    public static DevicePath start(String device, NetworkProfile initial, Clock clock) {
        try {
            return new DevicePath(device, initial, clock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the network path of " + device, e);
        }
    }

    /** Where the browser sends its requests: {@code http://127.0.0.1:PORT}. */
    public String proxyUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Lets requests to {@code host} through (besides loopback): a host the run uses. */
    public void allow(String host) {
        if (host != null && !host.isBlank()) {
            allowed.add(host.toLowerCase(Locale.ROOT));
        }
    }

    /** Whether telemetry bodies are kept in the record (off by default: they are the app's data). */
    public void keepBodies(boolean keep) {
        this.keepBodies = keep;
    }

    /**
     * Switches the network, from the next request on; recorded with its time. Going offline also breaks the
     * connections that are open, as a radio going down does, so that a tunnel or a long request cannot outlive it.
     */
    public void use(NetworkProfile next) {
        synchronized (switching) {
            profile = next;
            switches.add(new NetworkSwitch(clock.instant(), next));
        }
        if (next.offline()) {
            open.forEach(Channel::close);
        }
    }

    public NetworkProfile profile() {
        return profile;
    }

    /** Every network switch of this path, the first being the profile it started on. */
    public List<NetworkSwitch> switches() {
        return List.copyOf(switches);
    }

    /** Every request the device made so far, in the order they started. */
    public List<Exchange> exchanges() {
        List<Exchange> out = new ArrayList<>(exchanges);
        out.sort(java.util.Comparator.comparing(Exchange::started));
        return out;
    }

    /** Forgets the record (the next try starts its own). */
    public void clearRecord() {
        exchanges.clear();
        switches.clear();
        switches.add(new NetworkSwitch(clock.instant(), profile));
    }

    /** The record as a HAR 1.2 document. */
    public byte[] har() {
        return Har.write(device, exchanges(), switches());
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        open.forEach(Channel::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    boolean isAllowed(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        // Loopback by its literal forms only: a name is never looked up here.
        return h.equals("localhost") || h.equals("::1") || h.startsWith("127.") || allowed.contains(h);
    }

    private static long delayMillis(NetworkProfile.Direction d, long bytes) {
        long delay = d.latencyMillis();
        if (d.jitterMillis() > 0) {
            delay += ThreadLocalRandom.current().nextInt(d.jitterMillis() + 1);
        }
        if (d.kbps() > 0) {
            delay += bytes * 8 / d.kbps();
        }
        return delay;
    }

    private static boolean lost(NetworkProfile.Direction d) {
        return d.lossPercent() > 0 && ThreadLocalRandom.current().nextDouble(100) < d.lossPercent();
    }

    private static List<Map.Entry<String, String>> headers(io.netty.handler.codec.http.HttpHeaders headers) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        headers.forEach(e -> out.add(Map.entry(e.getKey(), e.getValue())));
        return out;
    }

    /** The browser's side of one connection to the path. */
    private final class ClientSide extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Instant started;
            NetworkProfile now;
            synchronized (switching) {
                started = clock.instant();
                now = profile;
            }
            long t0 = System.nanoTime();
            boolean connect = HttpMethod.CONNECT.equals(request.method());
            String target = request.uri();
            String host;
            int port;
            String url;
            if (connect) {
                int colon = target.lastIndexOf(':');
                host = colon > 0 ? target.substring(0, colon) : target;
                port = colon > 0 ? parsePort(target.substring(colon + 1), 443) : 443;
                url = "https://" + target;
            } else {
                URI uri = URI.create(target.startsWith("/") ? "http://" + request.headers().get(HttpHeaderNames.HOST)
                        + target : target);
                host = uri.getHost();
                port = uri.getPort() > 0 ? uri.getPort() : 80;
                url = uri.toString();
            }
            long requestBytes = request.content().readableBytes();
            String body = keepBodies && requestBytes > 0 ? request.content().toString(StandardCharsets.UTF_8) : null;
            Record record = new Record(started, t0, request.method().name(), url, request.protocolVersion().text(),
                    headers(request.headers()), requestBytes, body, now.name());
            if (now.offline()) {
                record.done(Exchange.Outcome.OFFLINE, 0, "", List.of(), 0, null, 0, 0);
                ctx.close();
                return;
            }
            if (!isAllowed(host)) {
                record.done(Exchange.Outcome.REFUSED_HOST, 403, "Forbidden", List.of(), 0, null, 0, 0);
                FullHttpResponse refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.FORBIDDEN, Unpooled.copiedBuffer("not a host of this run: " + host,
                        StandardCharsets.UTF_8));
                refused.headers().set(HttpHeaderNames.CONTENT_LENGTH, refused.content().readableBytes());
                refused.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(refused).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (lost(now.up())) {
                record.done(Exchange.Outcome.LOST_UP, 0, "", List.of(), 0, null, 0, 0);
                ctx.close();
                return;
            }
            long upDelay = delayMillis(now.up(), requestBytes);
            if (connect) {
                ctx.executor().schedule(() -> tunnel(ctx, host, port, record, upDelay), upDelay,
                        TimeUnit.MILLISECONDS);
            } else {
                FullHttpRequest forward = request.retainedDuplicate();
                URI uri = URI.create(url);
                forward.setUri(uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
                forward.headers().remove("Proxy-Connection");
                forward.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                ctx.executor().schedule(() -> forward(ctx, host, port, forward, record, upDelay, keepAlive), upDelay,
                        TimeUnit.MILLISECONDS);
            }
        }

        private void forward(ChannelHandlerContext ctx, String host, int port, FullHttpRequest request,
                             Record record, long upDelay, boolean keepAlive) {
            if (profile.offline()) {
                request.release();
                record.done(Exchange.Outcome.OFFLINE, 0, "", List.of(), 0, null, 0, upDelay);
                ctx.close();
                return;
            }
            long sentAt = System.nanoTime();
            new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec())
                                    .addLast(new HttpObjectAggregator(MAX_MESSAGE_BYTES))
                                    .addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext upstream,
                                                                    FullHttpResponse response) {
                                            answer(ctx, response.retainedDuplicate(), record, upDelay, sentAt,
                                                    keepAlive);
                                            upstream.close();
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext upstream, Throwable cause) {
                                            upstream.close();
                                        }
                                    });
                        }
                    })
                    .connect(host, port).addListener(f -> {
                        if (!f.isSuccess()) {
                            request.release();
                            record.done(Exchange.Outcome.FAILED, 502, "Bad Gateway", List.of(), 0, null, 0, upDelay);
                            ctx.close();
                            return;
                        }
                        ((io.netty.channel.ChannelFuture) f).channel().writeAndFlush(request);
                    });
        }

        private void answer(ChannelHandlerContext ctx, FullHttpResponse response, Record record, long upDelay,
                            long sentAt, boolean keepAlive) {
            long waited = (System.nanoTime() - sentAt) / 1_000_000;
            NetworkProfile now = profile;
            long bytes = response.content().readableBytes();
            String mime = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
            List<Map.Entry<String, String>> responseHeaders = headers(response.headers());
            if (now.offline() || lost(now.down())) {
                response.release();
                record.done(Exchange.Outcome.LOST_DOWN, response.status().code(), response.status().reasonPhrase(),
                        responseHeaders, bytes, mime, waited, upDelay);
                ctx.close();
                return;
            }
            long downDelay = delayMillis(now.down(), bytes);
            ctx.executor().schedule(() -> {
                if (profile.offline()) {
                    response.release();
                    record.done(Exchange.Outcome.LOST_DOWN, response.status().code(),
                            response.status().reasonPhrase(), responseHeaders, bytes, mime, waited,
                            upDelay + downDelay);
                    ctx.close();
                    return;
                }
                response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE
                        : HttpHeaderValues.CLOSE);
                HttpUtil.setContentLength(response, bytes);
                record.done(Exchange.Outcome.FORWARDED, response.status().code(), response.status().reasonPhrase(),
                        responseHeaders, bytes, mime, waited, upDelay + downDelay);
                var written = ctx.writeAndFlush(response);
                if (!keepAlive) {
                    written.addListener(ChannelFutureListener.CLOSE);
                }
            }, downDelay, TimeUnit.MILLISECONDS);
        }

        /** A CONNECT: a raw tunnel (HTTPS, WebSockets) that lives while the network does. */
        private void tunnel(ChannelHandlerContext ctx, String host, int port, Record record, long upDelay) {
            if (profile.offline()) {
                record.done(Exchange.Outcome.OFFLINE, 0, "", List.of(), 0, null, 0, upDelay);
                ctx.close();
                return;
            }
            Channel client = ctx.channel();
            client.config().setAutoRead(false);
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new Relay(client))
                    .connect(host, port).addListener(f -> {
                        if (!f.isSuccess()) {
                            record.done(Exchange.Outcome.FAILED, 502, "Bad Gateway", List.of(), 0, null, 0, upDelay);
                            ctx.close();
                            return;
                        }
                        Channel upstream = ((io.netty.channel.ChannelFuture) f).channel();
                        open.add(upstream);
                        upstream.closeFuture().addListener(c -> {
                            open.remove(upstream);
                            client.close();
                        });
                        record.done(Exchange.Outcome.FORWARDED, 200, "Connection Established", List.of(), 0, null,
                                0, upDelay);
                        FullHttpResponse established = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                new HttpResponseStatus(200, "Connection Established"));
                        ctx.writeAndFlush(established).addListener(w -> {
                            ctx.pipeline().remove("http");
                            ctx.pipeline().remove("aggregate");
                            ctx.pipeline().replace("proxy", "relay", new Relay(upstream));
                            client.config().setAutoRead(true);
                        });
                    });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("network path of {}: {}", device, cause.toString());
            ctx.close();
        }
    }

    /** Bytes one way through a tunnel. */
    private static final class Relay extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Channel to;

        Relay(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (to.isActive()) {
                to.writeAndFlush(msg);
            } else if (msg instanceof ByteBuf buf) {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            to.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One request being shaped; becomes an {@link Exchange} once settled. */
    private final class Record {
        private final Instant started;
        private final long t0;
        private final String method;
        private final String url;
        private final String version;
        private final List<Map.Entry<String, String>> requestHeaders;
        private final long requestBytes;
        private final String body;
        private final String profileName;

        Record(Instant started, long t0, String method, String url, String version,
               List<Map.Entry<String, String>> requestHeaders, long requestBytes, String body, String profileName) {
            this.started = started;
            this.t0 = t0;
            this.method = method;
            this.url = url;
            this.version = version;
            this.requestHeaders = requestHeaders;
            this.requestBytes = requestBytes;
            this.body = body;
            this.profileName = profileName;
        }

        void done(Exchange.Outcome outcome, int status, String statusText, List<Map.Entry<String, String>> headers,
                  long responseBytes, String mime, long waitMillis, long shapedMillis) {
            exchanges.add(new Exchange(started, method, url, version, requestHeaders, requestBytes, body, outcome,
                    status, statusText, headers, responseBytes, mime, (System.nanoTime() - t0) / 1_000_000,
                    waitMillis, shapedMillis, profileName));
        }
    }

    private static int parsePort(String text, int fallback) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
