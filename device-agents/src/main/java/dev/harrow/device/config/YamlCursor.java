package dev.harrow.device.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A position in a YAML document that remembers where it came from, so that every validation error can name the
 * file, line, column and field. Scalars get {@code ${ENV}} interpolation.
 */
final class YamlCursor {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Node node;
    private final Mark mark;
    private final String path;
    private final String source;
    private final Map<String, String> env;

    private YamlCursor(Node node, Mark mark, String path, String source, Map<String, String> env) {
        this.node = node;
        this.mark = mark;
        this.path = path;
        this.source = source;
        this.env = env;
    }

    static YamlCursor parse(String content, String source, Map<String, String> env) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(content));
        } catch (MarkedYAMLException e) {
            Mark problem = e.getProblemMark();
            String where = problem == null ? source : source + ":" + (problem.getLine() + 1) + ":" + (problem.getColumn() + 1);
            throw new DevicesFileException(where + ": not valid YAML: " + e.getProblem(), e);
        }
        if (root == null) {
            throw new DevicesFileException(source + ": the file is empty");
        }
        return new YamlCursor(root, root.getStartMark(), "", source, env);
    }

    String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    DevicesFileException error(String problem) {
        return new DevicesFileException(source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": "
                + path() + ": " + problem);
    }

    boolean isMapping() {
        return node instanceof MappingNode;
    }

    YamlCursor requireMapping() {
        if (!isMapping()) {
            throw error("expected a mapping of keys to values");
        }
        return this;
    }

    /** Fails on any key outside {@code known}, naming the closest known one. */
    YamlCursor allowOnly(Set<String> known) {
        List<DevicesFileException> unknown = unknownFields(known);
        if (!unknown.isEmpty()) {
            throw unknown.get(0);
        }
        return this;
    }

    /** An error for each key outside {@code known}, naming the closest known one. */
    List<DevicesFileException> unknownFields(Set<String> known) {
        List<DevicesFileException> out = new ArrayList<>();
        for (NodeTuple tuple : requireMapping().tuples()) {
            String key = keyOf(tuple);
            if (!known.contains(key)) {
                YamlCursor at = new YamlCursor(tuple.getKeyNode(), tuple.getKeyNode().getStartMark(),
                        child(key), source, env);
                String hint = closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
                out.add(at.error("unknown field" + hint + "; allowed here: " + String.join(", ", known)));
            }
        }
        return out;
    }

    Optional<YamlCursor> get(String key) {
        for (NodeTuple tuple : requireMapping().tuples()) {
            if (keyOf(tuple).equals(key)) {
                Node value = tuple.getValueNode();
                if (value instanceof ScalarNode s && s.getTag().equals(Tag.NULL)) {
                    return Optional.empty();
                }
                return Optional.of(new YamlCursor(value, value.getStartMark(), child(key), source, env));
            }
        }
        return Optional.empty();
    }

    YamlCursor require(String key) {
        return get(key).orElseThrow(() -> missing(key, "is required"));
    }

    /** An error about a field this mapping lacks, placed at the mapping. */
    DevicesFileException missing(String key, String problem) {
        return new YamlCursor(node, mark, child(key), source, env).error(problem);
    }

    List<YamlCursor> items() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("expected a list");
        }
        List<YamlCursor> out = new ArrayList<>();
        List<Node> values = seq.getValue();
        for (int i = 0; i < values.size(); i++) {
            Node item = values.get(i);
            out.add(new YamlCursor(item, item.getStartMark(), path + "[" + i + "]", source, env));
        }
        return out;
    }

    /** The scalar's text, with {@code ${VAR}} replaced from the environment. */
    String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value");
        }
        return interpolate(scalar.getValue());
    }

    /** The value as plain Java data: maps, lists, strings, longs, doubles, booleans. */
    Object plain() {
        if (node instanceof MappingNode) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple tuple : tuples()) {
                String key = keyOf(tuple);
                out.put(key, new YamlCursor(tuple.getValueNode(), tuple.getValueNode().getStartMark(), child(key),
                        source, env).plain());
            }
            return out;
        }
        if (node instanceof SequenceNode) {
            List<Object> out = new ArrayList<>();
            for (YamlCursor item : items()) {
                out.add(item.plain());
            }
            return out;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        try {
            if (tag.equals(Tag.INT)) {
                return Long.parseLong(value.replace("_", ""));
            }
            if (tag.equals(Tag.FLOAT)) {
                return Double.parseDouble(value.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            throw error("'" + value + "' is not a number this file can use");
        }
        if (tag.equals(Tag.BOOL)) {
            return Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT));
        }
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        return interpolate(value);
    }

    private String interpolate(String raw) {
        Matcher m = ENV_REF.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                throw error("environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private List<NodeTuple> tuples() {
        return ((MappingNode) node).getValue();
    }

    private String keyOf(NodeTuple tuple) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
            throw new YamlCursor(tuple.getKeyNode(), tuple.getKeyNode().getStartMark(), path, source, env)
                    .error("keys must be plain words");
        }
        return key.getValue();
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The known word closest to {@code key}, when one is close enough to be what was meant. */
    static Optional<String> closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new LinkedHashSet<>(known)) {
            int d = distance(key.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance; keys are short. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }
}
