package dev.harrow.backend.store;

import de.bwaldvogel.mongo.wire.BsonConstants;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * BSON for the embedded store's pages, byte for byte what the library's {@link BsonEncoder} writes (its decoder reads
 * it back), but cheaper where a page write spends its time: fields are walked once instead of looked up by name,
 * arrays are written in place instead of being copied into a document first, and ASCII field names skip the UTF-8
 * encoder. Values of any other type are left to the library's encoder.
 */
final class PageBson {
    /** One buffer per writing thread, reused: a page write encodes every document of the page. */
    private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(64 * 1024));

    private PageBson() {
    }

    /** {@code document} as BSON in a thread-local buffer, valid until this thread's next call. */
    static ByteBuf encode(Map<String, ?> document) {
        ByteBuf out = SCRATCH.get().clear();
        writeDocument(document, out);
        return out;
    }

    private static void writeDocument(Map<String, ?> document, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        for (Map.Entry<String, ?> field : document.entrySet()) {
            writeField(field.getKey(), field.getValue(), out);
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    private static void writeArray(Collection<?> values, ByteBuf out) {
        int start = out.writerIndex();
        out.writeIntLE(0);
        int index = 0;
        for (Object value : values) {
            writeField(Integer.toString(index++), value, out);
        }
        out.writeByte(BsonConstants.TERMINATING_BYTE);
        out.setIntLE(start, out.writerIndex() - start);
    }

    @SuppressWarnings("unchecked")
    private static void writeField(String name, Object value, ByteBuf out) {
        byte type = BsonEncoder.determineType(value);
        out.writeByte(type);
        writeName(name, out);
        switch (type) {
            case BsonConstants.TYPE_EMBEDDED_DOCUMENT -> writeDocument((Map<String, ?>) value, out);
            case BsonConstants.TYPE_ARRAY -> writeArray((Collection<?>) value, out);
            case BsonConstants.TYPE_UTF8_STRING -> {
                String text = (String) value;
                int lengthAt = out.writerIndex();
                out.writeIntLE(0);
                int from = out.writerIndex();
                out.writeCharSequence(text, StandardCharsets.UTF_8);
                out.writeByte(BsonConstants.STRING_TERMINATION);
                out.setIntLE(lengthAt, out.writerIndex() - from);
            }
            default -> BsonEncoder.encodeValue(type, value, out);
        }
    }

    private static void writeName(String name, ByteBuf out) {
        int length = name.length();
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (c == 0 || c >= 0x80) {
                out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
                out.writeByte(BsonConstants.STRING_TERMINATION);
                return;
            }
        }
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeByte(BsonConstants.STRING_TERMINATION);
    }
}
