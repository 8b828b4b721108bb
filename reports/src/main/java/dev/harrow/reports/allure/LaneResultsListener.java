package dev.harrow.reports.allure;

import static io.qameta.allure.util.ResultsUtils.createFrameworkLabel;
import static io.qameta.allure.util.ResultsUtils.createLabel;
import static io.qameta.allure.util.ResultsUtils.createLanguageLabel;
import static io.qameta.allure.util.ResultsUtils.createPackageLabel;
import static io.qameta.allure.util.ResultsUtils.createParameter;
import static io.qameta.allure.util.ResultsUtils.createParentSuiteLabel;
import static io.qameta.allure.util.ResultsUtils.createSuiteLabel;
import static io.qameta.allure.util.ResultsUtils.createTagLabel;
import static io.qameta.allure.util.ResultsUtils.createTestClassLabel;
import static io.qameta.allure.util.ResultsUtils.createTestMethodLabel;
import static io.qameta.allure.util.ResultsUtils.md5;

import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.AnnotationUtils;
import io.qameta.allure.util.ResultsUtils;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one Allure result per try of a scenario on one device. The device is the timeline lane (host and thread
 * labels) and a parameter; the try's slot (the device, its platform or the pool, by the run's mode) is the history
 * id, so one scenario on four devices is four results with their own history, and a retry shows with the try it
 * repeats. The result is opened on the thread that runs the scenario, so the scenario's own {@code Allure.step} and
 * attachments land in it; the device's final screen and log are attached to every result.
 */
public final class LaneResultsListener implements TestExecutionListener {
    private static final Logger log = LoggerFactory.getLogger(LaneResultsListener.class);

    private final AllureLifecycle lifecycle;
    private final RunLane lane;
    private final RunAttempt attempt;
    private final Map<String, String> running = new ConcurrentHashMap<>();

    public LaneResultsListener(AllureLifecycle lifecycle, RunLane lane) {
        this(lifecycle, lane, RunAttempt.first(lane.device()));
    }

    public LaneResultsListener(AllureLifecycle lifecycle, RunLane lane, RunAttempt attempt) {
        this.lifecycle = lifecycle;
        this.lane = lane;
        this.attempt = attempt;
    }

    /**
     * A scenario no device of the pool can run (it needs what none offers): a skipped result with the reason, so
     * the report says why it is missing rather than leaving a gap.
     */
    public static void writeNotRunnable(AllureLifecycle lifecycle, String uniqueId, String className,
                                        String methodName, String displayName, String reason) {
        String uuid = UUID.randomUUID().toString();
        TestResult result = baseResult(uuid, uniqueId, className, methodName, List.of())
                .setHistoryId(md5(uniqueId + "@not-runnable"))
                .setName(displayName + " (not runnable on this pool)")
                .setFullName(className + "." + methodName)
                .setStatus(Status.SKIPPED)
                .setStatusDetails(new StatusDetails().setMessage("not runnable on this pool: " + reason));
        lifecycle.scheduleTestCase(result);
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (!test.isTest()) {
            return;
        }
        String uuid = UUID.randomUUID().toString();
        running.put(test.getUniqueId(), uuid);
        lifecycle.scheduleTestCase(newResult(uuid, test));
        lifecycle.startTestCase(uuid);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!test.isTest()) {
            return;
        }
        String uuid = running.remove(test.getUniqueId());
        if (uuid == null) {
            return;
        }
        attachEvidence(uuid);
        Optional<String> interrupted = attempt.interruption().get();
        Status status = switch (result.getStatus()) {
            case SUCCESSFUL -> Status.PASSED;
            case ABORTED -> Status.SKIPPED;
            // A scenario the farm ended broke on the farm's timeout, whatever the session's end made it throw.
            case FAILED -> interrupted.isPresent() ? Status.BROKEN
                    : result.getThrowable().flatMap(ResultsUtils::getStatus).orElse(Status.BROKEN);
        };
        Optional<StatusDetails> thrown = result.getThrowable().flatMap(ResultsUtils::getStatusDetails);
        Optional<StatusDetails> details = status == Status.BROKEN && interrupted.isPresent()
                ? Optional.of(thrown.orElseGet(StatusDetails::new).setMessage(interrupted.get()
                        + thrown.map(d -> " (then: " + d.getMessage() + ")").orElse("")))
                : thrown;
        lifecycle.updateTestCase(uuid, r -> {
            r.setStatus(status);
            details.ifPresent(r::setStatusDetails);
            if (status == Status.PASSED && attempt.afterFailure()) {
                r.setStatusDetails(new StatusDetails().setFlaky(true).setMessage("passed on try " + attempt.number()
                        + " after a failed try"));
            }
        });
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (!test.isTest()) {
            return;
        }
        String uuid = UUID.randomUUID().toString();
        TestResult skipped = newResult(uuid, test).setStatus(Status.SKIPPED)
                .setStatusDetails(new StatusDetails().setMessage(reason));
        lifecycle.scheduleTestCase(skipped);
        lifecycle.stopTestCase(uuid);
        lifecycle.writeTestCase(uuid);
    }

    /** The device's final screen and its log; a device that cannot give them must not lose the result. */
    private void attachEvidence(String uuid) {
        try {
            byte[] png = lane.evidence().finalScreen();
            if (png != null && png.length > 0) {
                lifecycle.addAttachment("Final screen (" + lane.device() + ")", "image/png", "png", png);
            }
        } catch (RuntimeException e) {
            log.debug("no final screen from {}: {}", lane.device(), e.getMessage());
        }
        attachText("Device log (" + lane.device() + ")", () -> lane.evidence().deviceLog());
        attachText("Command log (" + lane.device() + ")", () -> lane.evidence().commandLog());
        try {
            byte[] har = lane.evidence().networkHar();
            if (har != null && har.length > 0) {
                // .har: what HAR viewers and browsers' network panels open
                lifecycle.addAttachment("Network (" + lane.device() + ")", "application/json", "har", har);
            }
        } catch (RuntimeException e) {
            log.debug("no network record from {}: {}", lane.device(), e.getMessage());
        }
    }

    private void attachText(String title, java.util.function.Supplier<String> text) {
        try {
            String value = text.get();
            if (value != null && !value.isBlank()) {
                lifecycle.addAttachment(title, "text/plain", "txt",
                        value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            log.debug("no {}: {}", title, e.getMessage());
        }
    }

    private TestResult newResult(String uuid, TestIdentifier test) {
        Optional<MethodSource> source = test.getSource().filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast);
        String className = source.map(MethodSource::getClassName).orElse("scenario");
        String methodName = source.map(MethodSource::getMethodName).orElse(test.getDisplayName());
        TestResult result = baseResult(uuid, test.getUniqueId(), className, methodName,
                test.getTags().stream().map(t -> t.getName()).toList());
        result.getLabels().addAll(0, List.of(
                createLabel("host", lane.device()),
                createLabel("thread", lane.device()),
                createParentSuiteLabel(lane.platform())));

        List<Parameter> parameters = new ArrayList<>(List.of(
                createParameter("device", lane.device()),
                createParameter("platform", lane.platform()),
                createParameter("kind", lane.kind())));
        lane.profileIfSet().ifPresent(p -> parameters.add(createParameter("profile", p)));
        if (attempt.number() > 1) {
            parameters.add(createParameter("try", String.valueOf(attempt.number())));
        }

        return result
                .setHistoryId(md5(test.getUniqueId() + "@" + attempt.slot()))
                .setName(test.getDisplayName() + " on " + lane.device())
                .setFullName(className + "." + methodName + "[" + lane.device() + "]")
                .setParameters(parameters);
    }

    /** What every result of a scenario carries, whichever device it ran on (or none). */
    private static TestResult baseResult(String uuid, String uniqueId, String className, String methodName,
                                         List<String> tags) {
        String simpleClass = className.substring(className.lastIndexOf('.') + 1);
        String packageName = className.contains(".") ? className.substring(0, className.lastIndexOf('.')) : "";
        List<Label> labels = new ArrayList<>(List.of(
                createSuiteLabel(simpleClass),
                createPackageLabel(packageName),
                createTestClassLabel(className),
                createTestMethodLabel(methodName),
                createFrameworkLabel("junit-platform"),
                createLanguageLabel("java")));
        tags.forEach(tag -> labels.add(createTagLabel(tag)));
        labels.addAll(annotationLabels(className, methodName));
        return new TestResult()
                .setUuid(uuid)
                .setTestCaseId(md5(uniqueId))
                .setLabels(labels);
    }

    /** Epic, feature, story, severity and the like, from Allure's annotations on the scenario class and method. */
    private static Set<Label> annotationLabels(String className, String methodName) {
        Set<Label> labels = new LinkedHashSet<>();
        try {
            Class<?> type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
            labels.addAll(AnnotationUtils.getLabels(type));
            for (Method method : type.getDeclaredMethods()) {
                if (method.getName().equals(methodName)) {
                    labels.addAll(AnnotationUtils.getLabels(method));
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("no annotations read from {}: {}", className, e.getMessage());
        }
        return labels;
    }
}
