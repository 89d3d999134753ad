package io.medseg.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.medseg.node.NodeRegistry;
import io.medseg.node.nodes.StandardNodes;
import io.medseg.workflow.ConfiguredWorkflow;
import io.medseg.workflow.RunFolder;
import io.medseg.workflow.RunResult;
import io.medseg.workflow.SettingOverrides;
import io.medseg.workflow.WorkflowDefinition;
import io.medseg.workflow.WorkflowException;
import io.medseg.workflow.WorkflowFiles;
import io.medseg.workflow.WorkflowRunner;
import io.medseg.workflow.WorkflowValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medseg run WORKFLOW.json}: validates the whole workflow (every problem at once), then runs its nodes in order
 * into a fresh run folder and exits with a status a scheduler can act on.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Run a workflow file (nodes, settings, connections) headless: check every node's",
                "settings and inputs first, then execute in order with progress, writing every",
                "node's outputs, workflow.json, run.json and report.html into the run folder.",
                "Exit status: 0 success, 1 bad workflow/settings/data, 3 internal error,",
                "130 cancelled (Ctrl-C; finished nodes and training checkpoints are kept;",
                "--resume RUN_DIR continues)." })
final class RunCommand extends MedSegCommand {
    /** How long Ctrl-C waits for the running node to stop and the report to be written. */
    static final long CANCEL_WAIT_SECONDS = 120;

    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKFLOW", description = "Workflow file (JSON), e.g."
            + " workflows/synthetic-2d-lightm-unet.json.")
    Path workflowFile;

    @Option(names = "--set", paramLabel = "NODE.SETTING=VALUE", description = "Change a node's setting for this run,"
            + " e.g. --set learner.epochs=5 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "Run folder (default: runs/<workflow>-<time>);"
            + " must be new or empty.")
    Path out;

    @Option(names = "--overwrite", description = "Replace an earlier run folder given with --out.")
    boolean overwrite;

    @Option(names = "--check", description = "Only validate the workflow (configure every node) and exit.")
    boolean checkOnly;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue a cancelled or failed run in its"
            + " folder: finished nodes are reused, an interrupted learner continues from its checkpoint.")
    Path resume;

    @Override
    public Integer call() {
        NodeRegistry registry = StandardNodes.registry();
        ConfiguredWorkflow workflow;
        RunFolder folder;
        try {
            if (resume != null) {
                if (workflowFile != null || out != null || overwrite || checkOnly || !sets.isEmpty()) {
                    throw new WorkflowException("--resume takes only the run folder: the workflow and its settings"
                            + " are those in its " + RunFolder.WORKFLOW);
                }
                folder = RunFolder.resume(resume);
                workflow = new WorkflowValidator(registry).validate(
                        WorkflowFiles.read(folder.dir().resolve(RunFolder.WORKFLOW)));
            } else {
                if (workflowFile == null) {
                    throw new WorkflowException("a workflow file is required (or --resume RUN_DIR)");
                }
                WorkflowDefinition definition = SettingOverrides.apply(WorkflowFiles.read(workflowFile), registry,
                        sets);
                workflow = new WorkflowValidator(registry).validate(definition);
                if (checkOnly) {
                    out().println(workflowFile + ": " + workflow.steps().size() + " nodes configured, no problems");
                    return 0;
                }
                folder = RunFolder.create(out != null ? out : RunFolder.defaultFor(Path.of("runs"),
                        definition.name()), overwrite);
            }
        } catch (WorkflowException e) {
            e.problems().forEach(p -> err().println("medseg: error: " + p));
            err().flush();
            return MedSegCli.EXIT_USER_ERROR;
        }
        out().println("run folder: " + folder.dir());
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: ask the running node to stop and wait until the run folder and report are consistent
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                done.await(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "medseg-cancel");
        Runtime.getRuntime().addShutdownHook(hook);
        RunResult result;
        try {
            WorkflowProgress progress = new WorkflowProgress(out(), System.console() != null, cancel, System::nanoTime);
            result = resume != null ? WorkflowRunner.resume(workflow, folder, progress)
                    : WorkflowRunner.run(workflow, folder, progress);
            out().printf(java.util.Locale.ROOT, "run %s in %s; report: %s%n", result.status().label(),
                    duration(result.seconds()), folder.dir().resolve(RunFolder.REPORT));
            out().flush();
        } finally {
            // after the last line is out: on Ctrl-C the JVM exits as soon as the waiting hook returns
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running and exits once this returns
            }
        }
        return result.status().exitCode();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }
}
