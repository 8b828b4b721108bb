package dev.harrow.backend.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How the embedded store writes a document into its file: as BSON, the wire format the server already speaks.
 *
 * <p>Why: left to its defaults, the H2 backend stores every document with Java serialization (class descriptors
 * and all): 653 bytes for an event of 283 bytes of BSON, and slow to write and read. Since the file is a
 * copy-on-write B-tree whose pages are rewritten whole when one document in them changes, a smaller document makes
 * every commit, every compaction and every cache page smaller too.
 */
final class BsonDocumentType extends BasicDataType<Document> {
    static final BsonDocumentType INSTANCE = new BsonDocumentType();

    private BsonDocumentType() {
    }

    @Override
    public int getMemory(Document document) {
        return 24 + estimate(document);
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = PageBson.encode(document);
        int length = bson.readableBytes();
        buffer.putVarInt(length);
        buffer.put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
    }


    @Override
    public Document read(ByteBuffer buffer) {
        int length = DataUtils.readVarInt(buffer);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }

    /** A rough size in memory, for the page cache's accounting; cheaper than encoding. */
    private static int estimate(Object value) {
        if (value instanceof Map<?, ?> map) {
            int total = 32;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                total += 40 + 2 * String.valueOf(entry.getKey()).length() + estimate(entry.getValue());
            }
            return total;
        }
        if (value instanceof Collection<?> list) {
            int total = 24;
            for (Object item : list) {
                total += 8 + estimate(item);
            }
            return total;
        }
        if (value instanceof CharSequence text) {
            return 40 + 2 * text.length();
        }
        if (value instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        return 16;
    }
}
