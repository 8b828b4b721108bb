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
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import java.util.List;
import org.bson.Document;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data file killed between the two writes of one command (a document without its index entry, an index entry
 * without its document) is found and rebuilt at start, so that inserts and lookups by id answer truthfully again.
 */
class IndexRepairTest {
    static final String INDEX_MAP = "harrow.events._index__id_";
    static final String DATA_MAP = "databases.harrow.events";

    @TempDir
    Path dir;

    @Test
    void aDocumentItsIndexLostOrAnIndexEntryWhoseDocumentIsGoneIsRepairedAtStart() throws Exception {
        EmbeddedMongo first = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(first.connectionString())) {
            client.getDatabase("harrow").getCollection("events").insertMany(List.of(
                    new Document("_id", "shop:kept-without-index"), new Document("_id", "shop:index-without-doc"),
                    new Document("_id", "shop:whole")));
            first.commit();
        }
        first.close();

        // What a kill between the two writes of an insert (or of a delete) leaves in the file.
        try (MVStore raw = MVStore.open(dir.resolve(EmbeddedMongo.DATA_FILE).toString())) {
            MVMap<Object, Object> index = raw.openMap(INDEX_MAP);
            index.keySet().stream().filter(k -> k.toString().contains("kept-without-index")).toList()
                    .forEach(index::remove);
            raw.commit();
        }

        // Unrepaired, the store gives the wrong answers the killed backend saw.
        MongoServer unrepaired = new MongoServer(new H2Backend(dir.resolve(EmbeddedMongo.DATA_FILE).toString()));
        try (MongoClient client = MongoClients.create("mongodb://" + unrepaired.bind().getHostString() + ":"
                + unrepaired.getLocalAddress().getPort())) {
            MongoCollection<Document> events = client.getDatabase("harrow").getCollection("events");
            assertThat(events.find(Filters.eq("_id", "shop:kept-without-index")).first()).isNull();
            assertThatThrownBy(() -> events.insertOne(new Document("_id", "shop:kept-without-index")))
                    .isInstanceOf(MongoException.class)
                    .satisfies(e -> assertThat(ErrorCategory.fromErrorCode(((MongoException) e).getCode()))
                            .isNotEqualTo(ErrorCategory.DUPLICATE_KEY));
        } finally {
            unrepaired.shutdownNow();
        }

        EmbeddedMongo repaired = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(repaired.connectionString())) {
            assertThat(repaired.repairedAtStart()).containsExactly(
                    new IndexRepair.Repaired("harrow.events", "_id_", 1, 0));
            MongoCollection<Document> events = client.getDatabase("harrow").getCollection("events");
            assertThat(events.find(Filters.eq("_id", "shop:kept-without-index")).first()).isNotNull();
            assertThatThrownBy(() -> events.insertOne(new Document("_id", "shop:kept-without-index")))
                    .isInstanceOfSatisfying(MongoWriteException.class, e -> assertThat(e.getError().getCategory())
                            .isEqualTo(ErrorCategory.DUPLICATE_KEY));
        } finally {
            repaired.close();
        }

        // A kill inside a delete: the index entry is gone first, so this only happens to a file written otherwise,
        // but a store that finds it must not refuse the id for ever.
        try (MVStore raw = MVStore.open(dir.resolve(EmbeddedMongo.DATA_FILE).toString())) {
            raw.openMap(DATA_MAP).remove("shop:index-without-doc");
            raw.commit();
        }
        EmbeddedMongo again = EmbeddedMongo.start(dir);
        try (MongoClient client = MongoClients.create(again.connectionString())) {
            assertThat(again.repairedAtStart()).containsExactly(
                    new IndexRepair.Repaired("harrow.events", "_id_", 0, 1));
            MongoCollection<Document> events = client.getDatabase("harrow").getCollection("events");
            events.insertOne(new Document("_id", "shop:index-without-doc"));
            assertThat(events.countDocuments()).isEqualTo(3);
        } finally {
            again.close();
        }

        EmbeddedMongo clean = EmbeddedMongo.start(dir);
        try {
            assertThat(clean.repairedAtStart()).as("a consistent file needs nothing").isEmpty();
        } finally {
            clean.close();
        }
    }
}
