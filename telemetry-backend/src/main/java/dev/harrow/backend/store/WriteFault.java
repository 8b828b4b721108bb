package dev.harrow.backend.store;

import com.mongodb.MongoClientException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import java.util.Set;
import org.bson.BSONException;
import org.bson.BsonSerializationException;
import org.bson.codecs.configuration.CodecConfigurationException;

/**
 * Why a write failed, decided from what the driver reported rather than guessed: the store as a whole (down,
 * unreachable, stepping down, out of disk: every document would fail now and may pass later), or the documents
 * themselves (too large, refused by a validator or an index: those fail every time, whatever the store's health).
 * The first opens the circuit breaker and keeps the batch for later; the second must never do that, or one document
 * wedges every write behind it.
 */
public enum WriteFault {
    /** The store cannot take writes now; the same write may succeed later. */
    STORE_UNAVAILABLE,
    /** Something in the documents sent; the same documents will fail again. */
    DOCUMENT;

    /**
     * Server error codes that say the server (not the data) is the problem: network and time limits, shutdown,
     * elections, write concern, locks and disk. Anything else a server answers belongs to the documents sent.
     */
    static final Set<Integer> UNAVAILABLE_CODES = Set.of(
            6,      // HostUnreachable
            7,      // HostNotFound
            13,     // Unauthorized: every write fails until credentials are fixed
            18,     // AuthenticationFailed
            24,     // LockTimeout
            46,     // LockBusy
            50,     // MaxTimeMSExpired
            64,     // WriteConcernFailed
            89,     // NetworkTimeout
            91,     // ShutdownInProgress
            100,    // UnsatisfiableWriteConcern
            112,    // WriteConflict
            133,    // FailedToSatisfyReadPreference
            189,    // PrimarySteppedDown
            202,    // NetworkInterfaceExceededTimeLimit
            262,    // ExceededTimeLimit
            9001,   // SocketException
            10107,  // NotWritablePrimary
            11600,  // InterruptedAtShutdown
            11601,  // Interrupted
            11602,  // InterruptedDueToReplStateChange
            13435,  // NotPrimaryNoSecondaryOk
            13436,  // NotPrimaryOrSecondary
            14031,  // OutOfDiskSpace
            16500); // request rate too large (MongoDB-compatible cloud services)

    /** Classifies an exception thrown by a write (or by encoding its documents). */
    public static WriteFault of(Throwable failure) {
        if (failure instanceof BsonSerializationException || failure instanceof BSONException
                || failure instanceof CodecConfigurationException) {
            return DOCUMENT;  // encoding failed before anything was sent: too large, or a value with no codec
        }
        if (failure instanceof MongoSocketException || failure instanceof MongoTimeoutException
                || failure instanceof MongoInterruptedException || failure instanceof MongoNotPrimaryException
                || failure instanceof MongoNodeIsRecoveringException
                || failure instanceof MongoConnectionPoolClearedException
                || failure instanceof MongoWriteConcernException) {
            return STORE_UNAVAILABLE;
        }
        if (failure instanceof MongoException mongo && (mongo.hasErrorLabel("RetryableWriteError")
                || mongo.hasErrorLabel("TransientTransactionError"))) {
            return STORE_UNAVAILABLE;
        }
        if (failure instanceof MongoServerException server) {
            return ofCode(server.getCode());
        }
        if (failure instanceof MongoClientException || failure instanceof IllegalStateException) {
            return STORE_UNAVAILABLE;  // the client is closed or misconfigured: nothing can be written
        }
        if (failure instanceof MongoException) {
            return STORE_UNAVAILABLE;
        }
        return DOCUMENT;
    }

    /** Classifies a server error code (a command's, or one document's write error). */
    public static WriteFault ofCode(int code) {
        return UNAVAILABLE_CODES.contains(code) ? STORE_UNAVAILABLE : DOCUMENT;
    }
}
