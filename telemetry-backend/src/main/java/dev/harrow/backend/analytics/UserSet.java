package dev.harrow.backend.analytics;

import java.util.Arrays;
import java.util.Map;
import org.bson.Document;

/**
 * A set of an app's users, by the dense number each user gets when first seen ({@code analytics_users.n}): bit
 * {@code n % 63} of word {@code n / 63}. Stored words hold 63 bits so that adding a bit with {@code $inc} never
 * reaches the sign bit (MongoDB refuses an {@code $inc} that overflows).
 */
final class UserSet {
    static final int BITS = 63;
    private static final long[] NONE = new long[0];

    private long[] words;

    UserSet() {
        this.words = NONE;
    }

    private UserSet(long[] words) {
        this.words = words;
    }

    /** The word field of user number {@code n}. */
    static String word(long n) {
        return Long.toString(n / BITS);
    }

    /** The bit of user number {@code n} within its word. */
    static long mask(long n) {
        return 1L << (n % BITS);
    }

    /** The set stored as words by field name (absent: empty). */
    static UserSet of(Document words) {
        if (words == null || words.isEmpty()) {
            return new UserSet();
        }
        int size = 0;
        for (String key : words.keySet()) {
            size = Math.max(size, Integer.parseInt(key) + 1);
        }
        long[] out = new long[size];
        for (Map.Entry<String, Object> w : words.entrySet()) {
            out[Integer.parseInt(w.getKey())] = ((Number) w.getValue()).longValue();
        }
        return new UserSet(out);
    }

    UserSet copy() {
        return new UserSet(words.clone());
    }

    /** Adds every user of {@code other}; returns this. */
    UserSet addAll(UserSet other) {
        if (other.words.length > words.length) {
            words = Arrays.copyOf(words, other.words.length);
        }
        for (int i = 0; i < other.words.length; i++) {
            words[i] |= other.words[i];
        }
        return this;
    }

    /** Keeps only the users also in {@code other}; returns this. */
    UserSet retainAll(UserSet other) {
        for (int i = 0; i < words.length; i++) {
            words[i] &= i < other.words.length ? other.words[i] : 0;
        }
        return this;
    }

    int size() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** How many users both sets hold, without building the intersection. */
    int countCommon(UserSet other) {
        int n = 0;
        for (int i = 0; i < Math.min(words.length, other.words.length); i++) {
            n += Long.bitCount(words[i] & other.words[i]);
        }
        return n;
    }
}
