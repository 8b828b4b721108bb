package dev.harrow.farm.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * One part of a suite split for a CI matrix ({@code -Dfarm.shard=i/n}, shards numbered from 1). Every shard job
 * computes the same split from the same suite and timings: scenarios, longest expected first, each to the shard
 * with the least expected work so far. Equal weights fall back to the scenario id, so the split never depends on
 * discovery order.
 */
public record Shard(int index, int count) {
    public Shard {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count + " does not exist: shards are "
                    + "numbered 1/n to n/n");
        }
    }

    /** {@code "2/4"}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--shard '" + text + "' is not i/n, such as 1/4");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard '" + text + "' is not i/n, such as 1/4");
        }
    }

    /** The ids of this shard's scenarios; {@code weight} is a scenario's expected work in milliseconds. */
    public Set<String> select(List<ScenarioRef> scenarios, ToLongFunction<ScenarioRef> weight) {
        List<ScenarioRef> order = new ArrayList<>(scenarios);
        order.sort(Comparator.comparingLong(weight).reversed().thenComparing(ScenarioRef::id));
        long[] load = new long[count];
        int[] members = new int[count];
        Set<String> mine = new HashSet<>();
        for (ScenarioRef scenario : order) {
            int lightest = 0;
            for (int i = 1; i < count; i++) {
                // Least work first; among equals, fewest scenarios, so weightless ones spread out too.
                if (load[i] < load[lightest] || load[i] == load[lightest] && members[i] < members[lightest]) {
                    lightest = i;
                }
            }
            load[lightest] += weight.applyAsLong(scenario);
            members[lightest]++;
            if (lightest == index - 1) {
                mine.add(scenario.id());
            }
        }
        return mine;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
