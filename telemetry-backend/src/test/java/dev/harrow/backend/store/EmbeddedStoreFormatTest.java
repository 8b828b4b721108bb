package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's own page format: BSON that the library reads back, and files of the old format converted. */
class EmbeddedStoreFormatTest {
    @TempDir
    Path dir;

    static Document everyKind() {
        return new Document("_id", "shop:" + UUID.randomUUID())
                .append("text", "héllo wörld").append("int", 42).append("long", 1L << 40).append("double", 2.5)
                .append("bool", true).append("null", null).append("when", Instant.ofEpochMilli(1_700_000_000_123L))
                .append("list", List.of(1, "two", new Document("three", 3), List.of(4.0)))
                .append("set", Set.of("only"))
                .append("nested", new Document("a", new Document("b", List.of())))
                .append("bytes", new BinData(new byte[] {1, 2, 3})).append("oid", new ObjectId())
                .append("uuid", UUID.randomUUID()).append("ünïcode-key", "v");
    }

    @Test
    void pagesHoldTheSameBytesTheLibraryWouldWriteAndReadBackEqual() {
        Document doc = everyKind();
        ByteBuf library = Unpooled.buffer();
        BsonEncoder.encodeDocument(doc, library);

        assertThat(ByteBufUtil.getBytes(PageBson.encode(doc))).isEqualTo(ByteBufUtil.getBytes(library));

        WriteBuffer page = new WriteBuffer();
        BsonDocumentType.INSTANCE.write(page, doc);
        Document back = BsonDocumentType.INSTANCE.read(page.getBuffer().flip());
        Document expected = doc.cloneDeeply();
        expected.put("set", List.of("only"));  // BSON has arrays, not sets
        assertThat(back).isEqualTo(expected);
    }

    @Test
    void indexKeysKeepAbsentApartFromNullAndFollowTheServersOrder() {
        KeyValue key = new KeyValue("a", null, Missing.getInstance(), 7L);
        WriteBuffer page = new WriteBuffer();
        IndexKeyType.INSTANCE.write(page, key);
        KeyValue back = IndexKeyType.INSTANCE.read(page.getBuffer().flip());

        assertThat(back.get(1)).isNull();
        assertThat(back.get(2)).isSameAs(Missing.getInstance());
        assertThat(IndexKeyType.INSTANCE.compare(back, key)).isZero();
        assertThat(IndexKeyType.INSTANCE.compare(new KeyValue("a"), new KeyValue("b"))).isNegative();
        assertThat(IndexKeyType.INSTANCE.compare(new KeyValue(1), new KeyValue(1.0))).as("numbers by value")
                .isZero();
        assertThat(IndexKeyType.INSTANCE.compare(new KeyValue("a"), new KeyValue("a", "b"))).isNegative();
    }

    @Test
    void aFileOfTheLibrarysOwnFormatIsConvertedWithEveryDocumentAndIndex() {
        Path file = dir.resolve(EmbeddedMongo.DATA_FILE);
        MongoServer old = new MongoServer(new H2Backend(file.toString()));
        InetSocketAddress address = old.bind();
        List<org.bson.Document> written = new ArrayList<>();
        try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":"
                + address.getPort())) {
            var events = client.getDatabase("harrow").getCollection("events");
            events.createIndex(Indexes.ascending("k"), new IndexOptions().unique(true).name("one_per_k"));
            for (int i = 0; i < 200; i++) {
                written.add(new org.bson.Document("_id", "shop:" + i).append("k", "k" + i)
                        .append("ts", new java.util.Date(1_700_000_000_000L + i)).append("n", i));
            }
            events.insertMany(written);
        } finally {
            old.shutdownNow();
        }

        EmbeddedMongo converted = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(converted.connectionString())) {
            var events = client.getDatabase("harrow").getCollection("events");
            assertThat(events.find().sort(new org.bson.Document("n", 1)).into(new ArrayList<>()))
                    .isEqualTo(written);
            assertThat(events.find(new org.bson.Document("_id", "shop:17")).first().getInteger("n")).isEqualTo(17);
            org.junit.jupiter.api.Assertions.assertThrows(com.mongodb.MongoWriteException.class,
                    () -> events.insertOne(new org.bson.Document("_id", "shop:new").append("k", "k3")),
                    "the unique index came over");
        } finally {
            converted.close();
        }
    }

}
