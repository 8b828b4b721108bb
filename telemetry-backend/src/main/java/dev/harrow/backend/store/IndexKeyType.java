package dev.harrow.backend.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How the embedded store writes the keys of a unique index: as BSON, ordered by the server's own value order.
 *
 * <p>Why: by default the H2 backend stores index keys with Java serialization, and because a key is not
 * {@link Comparable}, every comparison of a binary search serialises both keys and compares the bytes: the largest
 * cost of an insert in a profile of the collector. Values that are absent from a document ({@link Missing}) are
 * kept apart from {@code null}.
 */
final class IndexKeyType extends BasicDataType<KeyValue> {
    static final IndexKeyType INSTANCE = new IndexKeyType();
    private static final ValueComparator ORDER = ValueComparator.ascWithoutListHandling();

    private IndexKeyType() {
    }

    @Override
    public int compare(KeyValue a, KeyValue b) {
        int common = Math.min(a.size(), b.size());
        for (int i = 0; i < common; i++) {
            int c = ORDER.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    @Override
    public int getMemory(KeyValue key) {
        return 48 + 40 * key.size();
    }

    @Override
    public void write(WriteBuffer buffer, KeyValue key) {
        List<Object> values = new ArrayList<>(key.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            Object value = key.get(i);
            if (value instanceof Missing) {
                missing.add(i);
                values.add(null);
            } else {
                values.add(value);
            }
        }
        Document doc = new Document("v", values);
        if (!missing.isEmpty()) {
            doc.put("m", missing);
        }
        ByteBuf bson = PageBson.encode(doc);
        int length = bson.readableBytes();
        buffer.putVarInt(length);
        buffer.put(bson.array(), bson.arrayOffset() + bson.readerIndex(), length);
    }

    @Override
    public KeyValue read(ByteBuffer buffer) {
        byte[] bytes = new byte[DataUtils.readVarInt(buffer)];
        buffer.get(bytes);
        Document doc = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bytes));
        List<Object> values = new ArrayList<>((List<?>) doc.get("v"));
        Object missing = doc.get("m");
        if (missing instanceof List<?> positions) {
            for (Object position : positions) {
                values.set(((Number) position).intValue(), Missing.getInstance());
            }
        }
        return new KeyValue(values);
    }

    @Override
    public KeyValue[] createStorage(int size) {
        return new KeyValue[size];
    }
}
