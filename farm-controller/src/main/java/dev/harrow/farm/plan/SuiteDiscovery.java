package dev.harrow.farm.plan;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import dev.harrow.device.junit.Requirements;
import dev.harrow.farm.ScenarioSuite;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.platform.commons.PreconditionViolationException;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Finds the scenarios of a suite with the JUnit Platform Launcher, as Surefire would: Jupiter tests under the
 * suite's roots with one of the tags and none of the excluded ones, whose {@code Class#method} or class name
 * matches the filter. Each comes with what it needs from a device ({@link dev.harrow.device.junit.Needs}).
 *
 * @param tags JUnit tag expressions, any of which selects a scenario
 * @param excludedTags tag expressions that drop a scenario
 * @param filter a regular expression found in {@code package.Class#method}, or matching the simple class name
 */
public record SuiteDiscovery(Set<String> tags, Set<String> excludedTags, Pattern filter) {
    public SuiteDiscovery {
        tags = Set.copyOf(tags);
        excludedTags = Set.copyOf(excludedTags);
        filter = filter == null ? Pattern.compile(".*") : filter;
    }

    public List<ScenarioRef> discover(ScenarioSuite suite) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Classes, annotations and @Needs are read through the suite's loader.
        thread.setContextClassLoader(suite.classLoader());
        try {
            LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClasspathRoots(Set.copyOf(suite.roots())))
                    .filters(EngineFilter.includeEngines("junit-jupiter"),
                            TagFilter.includeTags(List.copyOf(tags)),
                            ClassNameFilter.includeClassNamePatterns(".*"));
            if (!excludedTags.isEmpty()) {
                request.filters(TagFilter.excludeTags(List.copyOf(excludedTags)));
            }
            TestPlan plan = discover(request.build());
            List<ScenarioRef> found = new ArrayList<>();
            for (TestIdentifier root : plan.getRoots()) {
                collect(plan, root, found);
            }
            return found.stream().filter(this::selected).toList();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static TestPlan discover(LauncherDiscoveryRequest request) {
        try {
            return LauncherFactory.create().discover(request);
        } catch (PreconditionViolationException e) {
            throw new IllegalArgumentException("bad tag expression: " + e.getMessage(), e);
        }
    }

    private static void collect(TestPlan plan, TestIdentifier node, List<ScenarioRef> found) {
        if (node.isTest()) {
            node.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast).ifPresent(m ->
                    found.add(new ScenarioRef(node.getUniqueId(), m.getClassName(), m.getMethodName(),
                            node.getDisplayName(), node.getTags().stream().map(TestTag::getName)
                            .collect(java.util.stream.Collectors.toSet()), needs(m))));
        }
        for (TestIdentifier child : plan.getChildren(node)) {
            collect(plan, child, found);
        }
    }

    private static Requirements needs(MethodSource source) {
        Class<?> type = source.getJavaClass();
        Method method = source.getJavaMethod();
        return Requirements.of(type, method);
    }

    private boolean selected(ScenarioRef scenario) {
        String simple = scenario.className().substring(scenario.className().lastIndexOf('.') + 1);
        return filter.matcher(scenario.id()).find() || filter.matcher(simple).matches();
    }
}
