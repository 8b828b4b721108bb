package dev.harrow.backend.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.io.IOException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonMaximumSizeExceededException;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** A write error is the store's or the documents': decided from what the driver reported, never guessed. */
class WriteFaultTest {
    static final ServerAddress HERE = new ServerAddress("127.0.0.1", 27017);

    static MongoCommandException commandError(int code, String message) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("errmsg", new BsonString(message)), HERE);
    }

    @Test
    void aStoreThatCannotAnswerIsUnavailable() {
        assertThat(WriteFault.of(new MongoTimeoutException("no server"))).isEqualTo(WriteFault.STORE_UNAVAILABLE);
        assertThat(WriteFault.of(new MongoSocketReadTimeoutException("read timed out", HERE, new IOException())))
                .isEqualTo(WriteFault.STORE_UNAVAILABLE);
        assertThat(WriteFault.of(new MongoNotPrimaryException(new BsonDocument("code", new BsonInt32(10107)), HERE)))
                .isEqualTo(WriteFault.STORE_UNAVAILABLE);
        assertThat(WriteFault.of(commandError(91, "shutdown in progress"))).isEqualTo(WriteFault.STORE_UNAVAILABLE);
        assertThat(WriteFault.of(commandError(14031, "out of disk space"))).isEqualTo(WriteFault.STORE_UNAVAILABLE);
        assertThat(WriteFault.of(new IllegalStateException("state should be: open")))
                .isEqualTo(WriteFault.STORE_UNAVAILABLE);
    }

    @Test
    void anErrorThatBelongsToTheDocumentsNeverSaysTheStoreIsDown() {
        // the embedded store's answer to an id it holds but does not index, after a crash
        assertThat(WriteFault.of(commandError(-1, "Document with key 'shop:x' already existed")))
                .isEqualTo(WriteFault.DOCUMENT);
        assertThat(WriteFault.of(commandError(121, "Document failed validation"))).isEqualTo(WriteFault.DOCUMENT);
        assertThat(WriteFault.of(commandError(10334, "BSONObj size is invalid"))).isEqualTo(WriteFault.DOCUMENT);
        assertThat(WriteFault.of(new BsonMaximumSizeExceededException("document is larger than 16 MB")))
                .isEqualTo(WriteFault.DOCUMENT);
        assertThat(WriteFault.ofCode(11000)).isEqualTo(WriteFault.DOCUMENT);
    }
}
