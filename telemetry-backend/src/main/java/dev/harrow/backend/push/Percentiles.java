package dev.harrow.backend.push;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** p50, p90, p99 and max of a sample, nearest rank; empty sample, no figures. */
final class Percentiles {
    private Percentiles() {
    }

    static Map<String, Object> of(List<Long> sample) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", sample.size());
        if (sample.isEmpty()) {
            return out;
        }
        List<Long> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        out.put("p50", rank(sorted, 0.50));
        out.put("p90", rank(sorted, 0.90));
        out.put("p99", rank(sorted, 0.99));
        out.put("max", sorted.get(sorted.size() - 1));
        return out;
    }

    static long rank(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
