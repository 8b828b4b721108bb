package dev.harrow.device.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device's record as a HAR 1.2 file (the format browsers and HAR viewers read): one entry per request, with its
 * timings, status and sizes, and, in fields of its own ({@code _harrow}), what the network profile did to it. The
 * network switches are pages of the log, so that a viewer groups the requests by the network they met.
 */
public final class Har {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Har() {
    }

    /** The HAR document of {@code device}'s requests and network switches. */
    public static byte[] write(String device, List<Exchange> exchanges, List<NetworkSwitch> switches) {
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("version", "1.2");
        log.put("creator", Map.of("name", "Harrow device network path", "version", "1"));
        log.put("browser", Map.of("name", device, "version", ""));
        List<Map<String, Object>> pages = new ArrayList<>();
        for (int i = 0; i < switches.size(); i++) {
            NetworkSwitch s = switches.get(i);
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("startedDateTime", s.at().toString());
            page.put("id", pageId(i));
            page.put("title", "network: " + s.profile().name());
            page.put("pageTimings", Map.of("onContentLoad", -1, "onLoad", -1));
            page.put("_harrow", s.profile().describe());
            pages.add(page);
        }
        log.put("pages", pages);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Exchange e : exchanges) {
            entries.add(entry(e, pageOf(e, switches)));
        }
        log.put("entries", entries);
        try {
            return JSON.writeValueAsBytes(Map.of("log", log));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String pageId(int index) {
        return "network_" + index;
    }

    private static String pageOf(Exchange e, List<NetworkSwitch> switches) {
        int page = 0;
        for (int i = 0; i < switches.size(); i++) {
            if (!switches.get(i).at().isAfter(e.started())) {
                page = i;
            }
        }
        return pageId(page);
    }

    private static Map<String, Object> entry(Exchange e, String page) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("method", e.method());
        request.put("url", e.url());
        request.put("httpVersion", e.httpVersion());
        request.put("cookies", List.of());
        request.put("headers", pairs(e.requestHeaders()));
        request.put("queryString", query(e.url()));
        request.put("headersSize", -1);
        request.put("bodySize", e.requestBytes());
        if (e.requestBody() != null) {
            String mime = e.requestHeaders().stream().filter(h -> h.getKey().equalsIgnoreCase("content-type"))
                    .map(Map.Entry::getValue).findFirst().orElse("application/octet-stream");
            request.put("postData", Map.of("mimeType", mime, "text", e.requestBody()));
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("size", e.responseBytes());
        content.put("mimeType", e.mimeType() == null ? "" : e.mimeType());
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", e.status());
        response.put("statusText", e.statusText() == null ? "" : e.statusText());
        response.put("httpVersion", e.outcome().reachedServer() ? "HTTP/1.1" : "");
        response.put("cookies", List.of());
        response.put("headers", pairs(e.responseHeaders()));
        response.put("content", content);
        response.put("redirectURL", "");
        response.put("headersSize", -1);
        response.put("bodySize", e.outcome() == Exchange.Outcome.FORWARDED ? e.responseBytes() : -1);
        if (e.outcome() != Exchange.Outcome.FORWARDED) {
            response.put("_error", switch (e.outcome()) {
                case OFFLINE -> "offline: failed at once, nothing left the device";
                case REFUSED_HOST -> "refused: not a host of this run";
                case LOST_UP -> "lost on the way up (network profile)";
                case LOST_DOWN -> "lost on the way down (network profile): the server had it";
                default -> "the server could not be reached";
            });
        }
        long receive = 0;
        long send = 0;
        long wait = Math.max(0, e.waitMillis());
        long blocked = Math.max(0, e.totalMillis() - wait);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("blocked", blocked);
        timings.put("dns", -1);
        timings.put("connect", -1);
        timings.put("send", send);
        timings.put("wait", wait);
        timings.put("receive", receive);
        timings.put("ssl", -1);
        timings.put("comment", "blocked holds the time the network profile added (latency, jitter, bandwidth)");
        Map<String, Object> harrow = new LinkedHashMap<>();
        harrow.put("profile", e.profile());
        harrow.put("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
        harrow.put("shapedMillis", e.shapedMillis());
        harrow.put("reachedServer", e.reachedServer());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("pageref", page);
        entry.put("startedDateTime", e.started().toString());
        entry.put("time", blocked + send + wait + receive);
        entry.put("request", request);
        entry.put("response", response);
        entry.put("cache", Map.of());
        entry.put("timings", timings);
        entry.put("_harrow", harrow);
        return entry;
    }

    private static List<Map<String, String>> pairs(List<Map.Entry<String, String>> headers) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> h : headers) {
            out.add(Map.of("name", h.getKey(), "value", h.getValue()));
        }
        return out;
    }

    private static List<Map<String, String>> query(String url) {
        List<Map<String, String>> out = new ArrayList<>();
        String raw;
        try {
            raw = URI.create(url).getRawQuery();
        } catch (IllegalArgumentException e) {
            return out;
        }
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.add(Map.of("name", name, "value", value));
        }
        return out;
    }
}
