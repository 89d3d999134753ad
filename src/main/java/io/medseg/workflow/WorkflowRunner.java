package io.medseg.workflow;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

import io.medseg.MedSegException;
import io.medseg.node.RunContext;
import io.medseg.node.ModelPort;
import io.medseg.node.PlanPort;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Table;
import io.medseg.node.TableFiles;
import io.medseg.report.RunReport;

/**
 * Executes a configured workflow node by node into a run folder: each node's outputs go to its folder (tables as
 * CSV and JSON, the plan as a table), run.json is rewritten after every node, and report.html is written at the end
 * however the run ended. The first node that fails or is cancelled stops the run; its folder is removed so only
 * finished nodes leave outputs.
 */
public final class WorkflowRunner {
    private WorkflowRunner() {
    }

    public static RunResult run(ConfiguredWorkflow workflow, RunFolder folder, RunListener listener) {
        WorkflowFiles.write(resolved(workflow), folder.dir().resolve(RunFolder.WORKFLOW));
        return run(workflow, folder, Map.of(), listener);
    }

    /**
     * Continues an earlier attempt of a run in its folder: the nodes that finished there are not run again (their
     * outputs are read back), the others run as in a fresh run (an interrupted learner continues from its
     * checkpoint).
     */
    public static RunResult resume(ConfiguredWorkflow workflow, RunFolder folder, RunListener listener) {
        return run(workflow, folder, folder.finished(workflow), listener);
    }

    private static RunResult run(ConfiguredWorkflow workflow, RunFolder folder, Map<String, NodeRun> finished,
            RunListener listener) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<NodeRun> runs = new ArrayList<>();
        Map<String, Map<String, PortData>> outputs = new LinkedHashMap<>();
        RunResult.Status status = RunResult.Status.SUCCEEDED;
        List<ConfiguredWorkflow.Step> steps = workflow.steps();
        for (int i = 0; i < steps.size(); i++) {
            ConfiguredWorkflow.Step step = steps.get(i);
            if (status != RunResult.Status.SUCCEEDED) {
                runs.add(notRun(step));
                continue;
            }
            listener.nodeStarted(step.id(), step.node().name(), i, steps.size());
            NodeRun run = finished.get(step.id());
            if (run != null) {
                outputs.put(step.id(), run.outputs());
                listener.message(step.id(), run.messages().get(0));
            } else {
                folder.discard(step.id());
                run = execute(step, folder, outputs, listener);
            }
            runs.add(run);
            listener.nodeFinished(run);
            status = switch (run.status()) {
                case SUCCEEDED -> RunResult.Status.SUCCEEDED;
                case CANCELLED -> RunResult.Status.CANCELLED;
                default -> run.error().startsWith(INTERNAL) ? RunResult.Status.INTERNAL_ERROR : RunResult.Status.FAILED;
            };
            boolean more = status == RunResult.Status.SUCCEEDED && i < steps.size() - 1;
            folder.writeStatus(new RunResult(workflow.definition(), folder.dir(),
                    more ? RunResult.Status.RUNNING : status, started, (System.nanoTime() - t0) / 1e9, runs));
        }
        RunResult result = new RunResult(workflow.definition(), folder.dir(), status, started,
                (System.nanoTime() - t0) / 1e9, runs);
        folder.writeStatus(result);
        RunReport.write(result, folder.dir().resolve(RunFolder.REPORT));
        return result;
    }

    /** Prefix of the error of a node that failed on a bug rather than on its data or settings (exit status 3). */
    static final String INTERNAL = "internal error: ";

    private static NodeRun execute(ConfiguredWorkflow.Step step, RunFolder folder,
            Map<String, Map<String, PortData>> outputs, RunListener listener) {
        List<PortData> inputs = new ArrayList<>();
        for (PortRef src : step.inputs()) {
            inputs.add(src == null ? null : outputs.get(src.node()).get(src.port()));
        }
        List<String> messages = new ArrayList<>();
        Recording monitor = new Recording(listener, messages);
        Path dir = folder.nodeDir(step.id());
        RunContext exec = new RunContext(step.id(), monitor, dir, folder.checkpointDir(step.id()));
        long t0 = System.nanoTime();
        NodeRun.Status status;
        String error = null;
        Map<String, PortData> named = new LinkedHashMap<>();
        try {
            java.nio.file.Files.createDirectories(dir);
            // configured again with the actual inputs' specs, as KNIME does before executing: validation could only
            // use the specs upstream nodes promised, some of which are known only after execution
            List<PortSpec> actual = new ArrayList<>();
            for (PortData in : inputs) {
                actual.add(in == null ? null : in.spec());
            }
            step.node().configure(actual, step.settings());
            List<PortData> result = step.node().execute(inputs, step.settings(), exec);
            List<PortDefinition> defs = step.node().outputs();
            if (result.size() != defs.size()) {
                throw new IllegalStateException(step.node().type() + " returned " + result.size() + " outputs for "
                        + defs.size() + " ports");
            }
            for (int p = 0; p < defs.size(); p++) {
                named.put(defs.get(p).name(), result.get(p));
                write(defs.get(p).name(), result.get(p), dir);
            }
            outputs.put(step.id(), named);
            status = NodeRun.Status.SUCCEEDED;
        } catch (CancellationException e) {
            status = NodeRun.Status.CANCELLED;
            error = "cancelled";
        } catch (MedSegException e) {
            status = NodeRun.Status.FAILED;
            error = e.getMessage();
        } catch (java.io.IOException | RuntimeException | OutOfMemoryError e) {
            status = NodeRun.Status.FAILED;
            error = INTERNAL + e;
        }
        if (status != NodeRun.Status.SUCCEEDED) {
            named.clear();
            folder.discard(step.id());
        }
        return new NodeRun(step.id(), step.node().type(), step.node().name(), status, (System.nanoTime() - t0) / 1e9,
                step.settings().texts(), named, exec.warnings(), messages,
                status == NodeRun.Status.SUCCEEDED ? exec.reportImages() : List.of(), error);
    }

    /** Tables as CSV and JSON, the plan as its table; model files are written by the nodes themselves. */
    private static void write(String port, PortData object, Path dir) {
        if (object instanceof Table t) {
            TableFiles.writeCsv(t, dir.resolve(port + ".csv"));
            TableFiles.writeJson(t, dir.resolve(port + ".json"));
        } else if (object instanceof PlanPort p) {
            TableFiles.writeCsv(p.toTable(), dir.resolve(port + ".csv"));
        } else if (!(object instanceof ModelPort)) {
            throw new IllegalStateException("unknown port object " + object);
        }
    }

    private static NodeRun notRun(ConfiguredWorkflow.Step step) {
        return new NodeRun(step.id(), step.node().type(), step.node().name(), NodeRun.Status.NOT_RUN, 0,
                step.settings().texts(), Map.of(), List.of(), List.of(), List.of(), null);
    }

    /** The workflow with every setting's resolved value, as it ran. */
    private static WorkflowDefinition resolved(ConfiguredWorkflow w) {
        WorkflowDefinition d = w.definition();
        for (ConfiguredWorkflow.Step s : w.steps()) {
            WorkflowDefinition.NodeEntry e = d.node(s.id());
            d = d.with(new WorkflowDefinition.NodeEntry(e.id(), e.type(), s.settings().texts()));
        }
        return d;
    }

    /** Passes events on and keeps a node's messages for the report. */
    private record Recording(RunListener listener, List<String> messages) implements io.medseg.node.RunMonitor {
        @Override
        public void progress(String nodeId, double fraction, String message) {
            listener.progress(nodeId, fraction, message);
        }

        @Override
        public void message(String nodeId, String text) {
            messages.add(text);
            listener.message(nodeId, text);
        }

        @Override
        public void warning(String nodeId, String text) {
            listener.warning(nodeId, text);
        }

        @Override
        public boolean cancelled() {
            return listener.cancelled();
        }
    }
}
