package dev.harrow.backend.store;

import dev.harrow.backend.event.Platform;
import dev.harrow.backend.event.TelemetryEvent;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;

/**
 * The stored shape of an event. Field names are short because they are repeated in every one of millions of
 * documents; the API speaks the long names. The mapping:
 *
 * <pre>
 *   _id  "appId:eventId" (the dedup key)   t   type          d   deviceId      s   sessionId
 *   a    appId                              ts  event time    u   userId        p   platform
 *   e    eventId (string)                   r   received at   v   appVersion    pr  props
 * </pre>
 */
final class EventDocuments {
    static final String ID = "_id";
    static final String APP = "a";
    static final String EVENT_ID = "e";
    static final String TYPE = "t";
    static final String TS = "ts";
    static final String RECEIVED = "r";
    static final String DEVICE = "d";
    static final String USER = "u";
    static final String SESSION = "s";
    static final String PLATFORM = "p";
    static final String APP_VERSION = "v";
    static final String PROPS = "pr";

    private EventDocuments() {
    }

    static Document toDocument(TelemetryEvent event) {
        Document doc = new Document(ID, event.storageId())
                .append(APP, event.appId())
                .append(EVENT_ID, event.eventId().toString())
                .append(TYPE, event.type())
                .append(TS, Date.from(event.ts()))
                .append(RECEIVED, Date.from(event.receivedAt()))
                .append(DEVICE, event.deviceId());
        putIfPresent(doc, USER, event.userId());
        putIfPresent(doc, SESSION, event.sessionId());
        putIfPresent(doc, PLATFORM, event.platform() == null ? null : event.platform().wire());
        putIfPresent(doc, APP_VERSION, event.appVersion());
        if (!event.props().isEmpty()) {
            doc.append(PROPS, new Document(event.props()));
        }
        return doc;
    }

    static TelemetryEvent fromDocument(Document doc) {
        String platform = doc.getString(PLATFORM);
        Date received = doc.getDate(RECEIVED);
        Document props = doc.get(PROPS, Document.class);
        return new TelemetryEvent(
                doc.getString(APP),
                UUID.fromString(doc.getString(EVENT_ID)),
                doc.getString(TYPE),
                doc.getDate(TS).toInstant(),
                doc.getString(DEVICE),
                doc.getString(USER),
                doc.getString(SESSION),
                platform == null ? null : Platform.fromWire(platform).orElse(null),
                doc.getString(APP_VERSION),
                props == null ? Map.of() : plain(props),
                received == null ? null : received.toInstant());
    }

    /** Nested documents back to plain maps and lists, so the API serialises them as JSON objects. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(Document doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            out.put(e.getKey(), plainValue(e.getValue()));
        }
        return out;
    }

    private static Object plainValue(Object value) {
        if (value instanceof Document d) {
            return plain(d);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(EventDocuments::plainValue).toList();
        }
        if (value instanceof Date date) {
            return Instant.ofEpochMilli(date.getTime()).toString();
        }
        return value;
    }

    private static void putIfPresent(Document doc, String key, Object value) {
        if (value != null) {
            doc.append(key, value);
        }
    }
}
