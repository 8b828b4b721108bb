package dev.harrow.farm.schedule;

import dev.harrow.device.agent.AgentState;
import dev.harrow.device.agent.DeviceAgent;
import dev.harrow.device.config.DeviceSpec;
import dev.harrow.device.provider.DeviceSession;
import dev.harrow.device.provider.DeviceUnavailableException;
import dev.harrow.reports.allure.RunAttempt;
import dev.harrow.reports.summary.Attempt;
import dev.harrow.reports.summary.DeviceReport;
import dev.harrow.reports.summary.Outcome;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One device's share of the run, on its own thread: pulls the next try from the queue, leases the device from its
 * agent, runs the try under the watchdog, and tells the queue how it ended. A failure on a device that then fails
 * its reset was the device's doing (it was lost under the scenario): the try goes back to the queue, and what the
 * device finished before stays. The agent decides when the device has failed too often; the worker then takes it
 * out of the run.
 */
final class DeviceWorker implements Runnable {
    private final DeviceAgent agent;
    private final WorkQueue queue;
    private final ScenarioExecutor executor;
    private final Watchdog watchdog;
    private final RunProgress progress;
    private final ClassLoader loader;
    private volatile DeviceReport report;

    DeviceWorker(DeviceAgent agent, WorkQueue queue, ScenarioExecutor executor, Watchdog watchdog,
                 RunProgress progress, ClassLoader loader) {
        this.agent = agent;
        this.queue = queue;
        this.executor = executor;
        this.watchdog = watchdog;
        this.progress = progress;
        this.loader = loader;
    }

    @Override
    public void run() {
        DeviceSpec spec = agent.spec();
        int tries = 0;
        long busy = 0;
        WorkQueue.Assignment inHand = null;
        RuntimeException failure = null;
        try (agent) {
            try {
                agent.provision();
            } catch (DeviceUnavailableException e) {
                leave(DeviceReport.UNAVAILABLE, e.getMessage(), 0, 0);
                return;
            }
            while (true) {
                Optional<WorkQueue.Assignment> next = queue.take(spec.name());
                if (next.isEmpty()) {
                    break;
                }
                inHand = next.get();
                DeviceSession session;
                try {
                    session = agent.lease();
                } catch (DeviceUnavailableException | IllegalStateException e) {
                    queue.returned(inHand.slot(), spec.name());
                    inHand = null;
                    if (agent.state() == AgentState.QUARANTINED) {
                        break;
                    }
                    continue;
                }
                Attempt attempt = play(spec, inHand, session);
                tries++;
                busy += attempt.durationMillis();
                WorkQueue.Decision decision = attempt.infrastructure() ? queue.lost(inHand.slot(), attempt)
                        : queue.finished(inHand.slot(), attempt);
                progress.tried(spec.name(), inHand, attempt, decision);
                inHand = null;
                if (agent.state() == AgentState.QUARANTINED) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (inHand != null) {
                // Whatever stopped this worker, the slot in its hands must not be waited for.
                queue.lost(inHand.slot(), new Attempt(spec.name(), Instant.now(), Outcome.BROKEN, 0,
                        "the farm's worker for " + spec.name() + " stopped: " + failure, true));
            }
            String quarantined = agent.quarantineReason();
            if (report == null) {
                if (quarantined != null) {
                    leave(DeviceReport.QUARANTINED, quarantined, tries, busy);
                } else if (failure != null) {
                    leave(DeviceReport.QUARANTINED, "the farm's worker for it failed: " + failure, tries, busy);
                } else {
                    report = report(DeviceReport.OK, tries == 0 ? "nothing to run on it" : null, tries, busy);
                    queue.retire(spec.name(), "done");
                }
            }
        }
    }

    private Attempt play(DeviceSpec spec, WorkQueue.Assignment work, DeviceSession session)
            throws InterruptedException {
        AtomicReference<String> interruption = new AtomicReference<>();
        RunAttempt context = new RunAttempt(work.slot().key(), work.attempt(), work.afterFailure(),
                () -> Optional.ofNullable(interruption.get()));
        Instant startedAt = Instant.now();
        Watchdog.Ended ended = watchdog.run("scenario-" + spec.name(), loader,
                () -> executor.execute(work.slot(), spec, session, context), session.activity(), interruption,
                agent::renew);
        AttemptResult result = ended.result();
        // A try the watchdog ended had its session ended too: the agent opens a new one for the next lease.
        boolean lost = !ended.interrupted() && !agent.release() && result.outcome().isFailure();
        return new Attempt(spec.name(), startedAt, result.outcome(), result.durationMillis(),
                lost ? "the device was lost: " + result.message() : result.message(), lost);
    }

    private void leave(String state, String reason, int tries, long busy) {
        report = report(state, reason, tries, busy);
        progress.stranded(agent.spec().name(), state + ": " + reason, queue.retire(agent.spec().name(),
                state + ": " + reason));
    }

    private DeviceReport report(String state, String reason, int tries, long busy) {
        DeviceSpec spec = agent.spec();
        return new DeviceReport(spec.name(), spec.platform().wire(), spec.kind().wire(), spec.profile(), state,
                reason, tries, busy);
    }

    DeviceReport report() {
        return report;
    }

    String deviceName() {
        return agent.spec().name();
    }
}
