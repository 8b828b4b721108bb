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
 * Writes one Allure result per scenario run on one device. The device is the timeline lane (host and thread
 * labels) and a parameter, and is part of the history id, so one scenario on four devices is four results with
 * their own history. The result is opened on the thread that runs the scenario, so the scenario's own
 * {@code Allure.step} and attachments land in it; the device's final screen and log are attached to every result.
 */
public final class LaneResultsListener implements TestExecutionListener {
    private static final Logger log = LoggerFactory.getLogger(LaneResultsListener.class);

    private final AllureLifecycle lifecycle;
    private final RunLane lane;
    private final Map<String, String> running = new ConcurrentHashMap<>();

    public LaneResultsListener(AllureLifecycle lifecycle, RunLane lane) {
        this.lifecycle = lifecycle;
        this.lane = lane;
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
        Status status = switch (result.getStatus()) {
            case SUCCESSFUL -> Status.PASSED;
            case ABORTED -> Status.SKIPPED;
            case FAILED -> result.getThrowable().flatMap(ResultsUtils::getStatus).orElse(Status.BROKEN);
        };
        Optional<StatusDetails> details = result.getThrowable().flatMap(ResultsUtils::getStatusDetails);
        lifecycle.updateTestCase(uuid, r -> {
            r.setStatus(status);
            details.ifPresent(r::setStatusDetails);
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
        try {
            String deviceLog = lane.evidence().deviceLog();
            if (deviceLog != null && !deviceLog.isBlank()) {
                lifecycle.addAttachment("Device log (" + lane.device() + ")", "text/plain", "txt",
                        deviceLog.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            log.debug("no device log from {}: {}", lane.device(), e.getMessage());
        }
    }

    private TestResult newResult(String uuid, TestIdentifier test) {
        Optional<MethodSource> source = test.getSource().filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast);
        String className = source.map(MethodSource::getClassName).orElse("scenario");
        String methodName = source.map(MethodSource::getMethodName).orElse(test.getDisplayName());
        String simpleClass = className.substring(className.lastIndexOf('.') + 1);
        String packageName = className.contains(".") ? className.substring(0, className.lastIndexOf('.')) : "";

        List<Label> labels = new ArrayList<>(List.of(
                createLabel("host", lane.device()),
                createLabel("thread", lane.device()),
                createParentSuiteLabel(lane.platform()),
                createSuiteLabel(simpleClass),
                createPackageLabel(packageName),
                createTestClassLabel(className),
                createTestMethodLabel(methodName),
                createFrameworkLabel("junit-platform"),
                createLanguageLabel("java")));
        test.getTags().forEach(tag -> labels.add(createTagLabel(tag.getName())));
        labels.addAll(annotationLabels(className, methodName));

        List<Parameter> parameters = new ArrayList<>(List.of(
                createParameter("device", lane.device()),
                createParameter("platform", lane.platform()),
                createParameter("kind", lane.kind())));
        lane.profileIfSet().ifPresent(p -> parameters.add(createParameter("profile", p)));

        return new TestResult()
                .setUuid(uuid)
                .setHistoryId(md5(test.getUniqueId() + "@" + lane.device()))
                .setTestCaseId(md5(test.getUniqueId()))
                .setName(test.getDisplayName() + " on " + lane.device())
                .setFullName(className + "." + methodName + "[" + lane.device() + "]")
                .setLabels(labels)
                .setParameters(parameters);
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
