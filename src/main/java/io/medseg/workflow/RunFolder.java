package io.medseg.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;

/**
 * A run's folder: {@code workflow.json} (the workflow as run, every setting resolved), {@code run.json} (status of the
 * run and of every node, rewritten atomically as nodes finish), one folder per finished node with its outputs,
 * {@code checkpoints/NODE/} for resumable training state, and {@code report.html}. A node's folder exists only once
 * the node finished: a failed or cancelled node's folder is removed (its checkpoints stay).
 */
public final class RunFolder {
    public static final String WORKFLOW = "workflow.json";
    public static final String STATUS = "run.json";
    public static final String REPORT = "report.html";
    public static final String CHECKPOINTS = "checkpoints";

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** {@code runs/<workflow-name>-<yyyyMMdd-HHmmss>} under {@code base}. */
    public static Path defaultFor(Path base, String workflowName) {
        String safe = workflowName.replaceAll("[^A-Za-z0-9_.-]+", "-");
        return base.resolve(safe + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /**
     * Creates the folder; an existing non-empty folder is refused unless {@code overwrite}, and even then only when
     * it is an earlier run folder (has run.json), whose content is then removed: nothing is reused silently.
     */
    public static RunFolder create(Path dir, boolean overwrite) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs) && !Files.isDirectory(abs)) {
                throw new WorkflowException(abs + ": not a folder; choose another --out");
            }
            if (Files.isDirectory(abs) && !isEmpty(abs)) {
                if (!overwrite) {
                    throw new WorkflowException(abs + ": run folder exists and is not empty; choose another --out or"
                            + " add --overwrite");
                }
                if (!Files.isRegularFile(abs.resolve(STATUS))) {
                    throw new WorkflowException(abs + ": is not a run folder (no " + STATUS + "); --overwrite only"
                            + " replaces earlier run folders");
                }
                try (Stream<Path> entries = Files.list(abs)) {
                    for (Path p : entries.toList()) {
                        deleteTree(p);
                    }
                }
            }
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new MedSegException(abs + ": cannot create run folder (" + AtomicFiles.describe(e) + ")", e);
        }
        return new RunFolder(abs);
    }

    public Path dir() {
        return dir;
    }

    public Path nodeDir(String id) {
        return dir.resolve(id);
    }

    public Path checkpointDir(String id) {
        return dir.resolve(CHECKPOINTS).resolve(id);
    }

    /** Removes a node's folder (it did not finish). */
    public void discard(String id) {
        try {
            deleteTree(nodeDir(id));
        } catch (IOException e) {
            throw new MedSegException(nodeDir(id) + ": cannot remove unfinished outputs (" + AtomicFiles.describe(e)
                    + ")", e);
        }
    }

    /** Rewrites run.json with the run's current state. */
    public void writeStatus(RunResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("workflow", result.workflow().name());
        o.addProperty("status", result.status().label());
        o.addProperty("exit_code", result.status().exitCode());
        o.addProperty("started", result.started().toString());
        o.addProperty("seconds", Math.round(result.seconds() * 10) / 10.0);
        JsonArray nodes = new JsonArray();
        for (NodeRun n : result.nodes()) {
            JsonObject j = new JsonObject();
            j.addProperty("id", n.id());
            j.addProperty("type", n.type());
            j.addProperty("status", n.status().label());
            j.addProperty("seconds", Math.round(n.seconds() * 10) / 10.0);
            if (n.error() != null) {
                j.addProperty("error", n.error());
            }
            JsonArray w = new JsonArray();
            n.warnings().forEach(w::add);
            j.add("warnings", w);
            nodes.add(j);
        }
        o.add("nodes", nodes);
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
        AtomicFiles.write(dir.resolve(STATUS), true, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
