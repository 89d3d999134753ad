package io.medseg.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import io.medseg.io.FileTrees;
import io.medseg.node.RunContext;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortData;

/**
 * A run's folder: {@code workflow.json} (the workflow as run, every setting resolved), {@code run.json} (status of the
 * run and of every node, rewritten atomically as nodes finish), one folder per finished node with its outputs,
 * {@code checkpoints/NODE/} for resumable training state, and {@code report.html}. A node's folder exists only once
 * the node finished: a failed or cancelled node's folder is removed (its checkpoints stay). run.json names each
 * finished node's output files, so a resumed run reads them back instead of recomputing them.
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
                        FileTrees.delete(p);
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
            FileTrees.delete(nodeDir(id));
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
            if (n.status() == NodeRun.Status.SUCCEEDED) {
                JsonObject outputs = new JsonObject();
                n.outputs().forEach((port, object) -> outputs.addProperty(port,
                        relative(PortFiles.fileOf(nodeDir(n.id()), port, object))));
                j.add("outputs", outputs);
                JsonArray images = new JsonArray();
                for (RunContext.ReportImage image : n.images()) {
                    JsonObject i = new JsonObject();
                    i.addProperty("file", relative(image.file()));
                    i.addProperty("caption", image.caption());
                    images.add(i);
                }
                j.add("images", images);
            }
            nodes.add(j);
        }
        o.add("nodes", nodes);
        String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
        AtomicFiles.write(dir.resolve(STATUS), true, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * An earlier run folder to continue (after Ctrl-C, a crash or a failed node): it must hold the run's
     * workflow.json and run.json and must not have succeeded.
     */
    public static RunFolder resume(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs.resolve(STATUS)) || !Files.isRegularFile(abs.resolve(WORKFLOW))) {
            throw new WorkflowException(abs + ": not a run folder (no " + STATUS + " and " + WORKFLOW + ")");
        }
        RunFolder folder = new RunFolder(abs);
        if (RunResult.Status.SUCCEEDED.label().equals(folder.status().get("status").getAsString())) {
            throw new WorkflowException(abs + ": the run succeeded; there is nothing to resume");
        }
        return folder;
    }

    /**
     * The nodes of {@code workflow} that finished in an earlier attempt of this run, with their outputs read back
     * from this folder; any node fed by a node that did not finish is left out, so it runs again.
     */
    public Map<String, NodeRun> finished(ConfiguredWorkflow workflow) {
        Map<String, JsonObject> recorded = new LinkedHashMap<>();
        for (JsonElement e : status().getAsJsonArray("nodes")) {
            JsonObject n = e.getAsJsonObject();
            if (RunResult.Status.SUCCEEDED.label().equals(n.get("status").getAsString()) && n.has("outputs")) {
                recorded.put(n.get("id").getAsString(), n);
            }
        }
        Map<String, NodeRun> finished = new LinkedHashMap<>();
        for (ConfiguredWorkflow.Step step : workflow.steps()) {
            JsonObject n = recorded.get(step.id());
            boolean inputsFinished = step.inputs().stream().allMatch(src -> src == null
                    || finished.containsKey(src.node()));
            if (n == null || !inputsFinished) {
                continue;
            }
            Map<String, PortData> outputs = new LinkedHashMap<>();
            JsonObject files = n.getAsJsonObject("outputs");
            for (PortDefinition port : step.node().outputs()) {
                outputs.put(port.name(), PortFiles.read(port.kind(), dir.resolve(files.get(port.name()).getAsString())));
            }
            List<RunContext.ReportImage> images = new ArrayList<>();
            for (JsonElement i : n.getAsJsonArray("images")) {
                JsonObject o = i.getAsJsonObject();
                images.add(new RunContext.ReportImage(dir.resolve(o.get("file").getAsString()),
                        o.get("caption").getAsString()));
            }
            List<String> warnings = new ArrayList<>();
            n.getAsJsonArray("warnings").forEach(w -> warnings.add(w.getAsString()));
            finished.put(step.id(), new NodeRun(step.id(), step.node().type(), step.node().name(),
                    NodeRun.Status.SUCCEEDED, n.get("seconds").getAsDouble(), step.settings().texts(), outputs,
                    warnings, List.of("finished in an earlier attempt of this run; its outputs are reused"), images,
                    null));
        }
        return finished;
    }

    private JsonObject status() {
        try {
            return JsonParser.parseString(Files.readString(dir.resolve(STATUS), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new WorkflowException(dir.resolve(STATUS) + ": cannot read the run's status (" + e.getMessage()
                    + ")");
        }
    }

    /** A path inside the run folder relative to it (portable when the folder moves), others absolute. */
    private String relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return (abs.startsWith(dir) ? dir.relativize(abs) : abs).toString().replace('\\', '/');
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

}
