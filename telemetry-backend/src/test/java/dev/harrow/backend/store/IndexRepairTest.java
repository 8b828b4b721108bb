package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a process killed between the two writes of one command leaves in the file is made whole at start: a file of
 * the library's own format whose {@code _id} index lost an entry (the wedge of a killed backend) is converted and
 * answers truthfully, and a unique index that disagrees with its documents is rebuilt.
 */
class IndexRepairTest {
    @TempDir
    Path dir;

    static MongoClient client(MongoServer server, InetSocketAddress address) {
        return MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
    }

    @Test
    void aFileWhoseIdIndexLostAnEntryAnswersADuplicateOnceConverted() {
        Path file = dir.resolve(EmbeddedMongo.DATA_FILE);
        // Written by the library on its defaults, as backends before this format did.
        MongoServer old = new MongoServer(new H2Backend(file.toString()));
        try (MongoClient client = client(old, old.bind())) {
            client.getDatabase("harrow").getCollection("events").insertMany(List.of(
                    new Document("_id", "shop:kept-without-index"), new Document("_id", "shop:whole")));
        } finally {
            old.shutdownNow();
        }
        try (MVStore raw = MVStore.open(file.toString())) {
            MVMap<Object, Object> index = raw.openMap("harrow.events._index__id_");
            index.keySet().stream().filter(k -> k.toString().contains("kept-without-index")).toList()
                    .forEach(index::remove);
            raw.commit();
        }
        // Unconverted, the store gives the wrong answers the killed backend saw.
        MongoServer unrepaired = new MongoServer(new H2Backend(file.toString()));
        try (MongoClient client = client(unrepaired, unrepaired.bind())) {
            MongoCollection<Document> events = client.getDatabase("harrow").getCollection("events");
            assertThat(events.find(Filters.eq("_id", "shop:kept-without-index")).first()).isNull();
            assertThatThrownBy(() -> events.insertOne(new Document("_id", "shop:kept-without-index")))
                    .isInstanceOf(MongoException.class)
                    .satisfies(e -> assertThat(ErrorCategory.fromErrorCode(((MongoException) e).getCode()))
                            .isNotEqualTo(ErrorCategory.DUPLICATE_KEY));
        } finally {
            unrepaired.shutdownNow();
        }

        EmbeddedMongo converted = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(converted.connectionString())) {
            MongoCollection<Document> events = client.getDatabase("harrow").getCollection("events");
            assertThat(events.find(Filters.eq("_id", "shop:kept-without-index")).first()).isNotNull();
            assertThatThrownBy(() -> events.insertOne(new Document("_id", "shop:kept-without-index")))
                    .isInstanceOfSatisfying(MongoWriteException.class, e -> assertThat(e.getError().getCategory())
                            .isEqualTo(ErrorCategory.DUPLICATE_KEY));
            assertThat(events.countDocuments()).isEqualTo(2);
        } finally {
            converted.close();
        }
    }

    @Test
    void aUniqueIndexThatDisagreesWithItsDocumentsIsRebuiltAtStart() {
        EmbeddedMongo first = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(first.connectionString())) {
            MongoCollection<Document> claims = client.getDatabase("harrow").getCollection("claims");
            claims.createIndex(Indexes.ascending("k"), new IndexOptions().unique(true).name("one_per_k"));
            claims.insertMany(List.of(new Document("_id", "a").append("k", "ka"),
                    new Document("_id", "b").append("k", "kb"), new Document("_id", "c").append("k", "kc")));
            first.commit();
        } finally {
            first.close();
        }
        // A kill between the two writes of an insert: the document without its entry in the unique index.
        try (MVStore raw = MVStore.open(dir.resolve(EmbeddedMongo.DATA_FILE).toString())) {
            MVMap<KeyValue, Object> index = EmbeddedStoreBackend.indexEntries(raw, "harrow.claims._index_one_per_k");
            index.remove(new KeyValue("ka"));
            raw.commit();
        }

        EmbeddedMongo repaired = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(repaired.connectionString())) {
            assertThat(repaired.repairedAtStart()).containsExactly(
                    new IndexRepair.Repaired("harrow.claims", "one_per_k", 1, 0));
            MongoCollection<Document> claims = client.getDatabase("harrow").getCollection("claims");
            assertThatThrownBy(() -> claims.insertOne(new Document("_id", "d").append("k", "ka")))
                    .as("the rebuilt entry refuses a second document with the same key")
                    .isInstanceOfSatisfying(MongoWriteException.class, e -> assertThat(e.getError().getCategory())
                            .isEqualTo(ErrorCategory.DUPLICATE_KEY));
        } finally {
            repaired.close();
        }

        EmbeddedMongo clean = EmbeddedMongo.start(dir);
        try {
            assertThat(clean.repairedAtStart()).as("a consistent file needs nothing").isEmpty();
        } finally {
            clean.close();
        }
    }
}
