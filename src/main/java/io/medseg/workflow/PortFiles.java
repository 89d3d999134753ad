package io.medseg.workflow;

import java.nio.file.Path;

import io.medseg.model.ModelFile;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.PlanPort;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.Table;
import io.medseg.node.TableFiles;
import io.medseg.preprocessing.PlanFiles;

/**
 * Where a finished node's port objects live in the run folder and how they are read back, so a resumed run continues
 * from the nodes that finished instead of recomputing them.
 */
final class PortFiles {
    private PortFiles() {
    }

    /** The file that holds {@code object}: a table's JSON, the plan's plan.json, the model file. */
    static Path fileOf(Path nodeDir, String port, PortData object) {
        if (object instanceof Table) {
            return nodeDir.resolve(port + ".json");
        }
        if (object instanceof PlanPort p) {
            return p.file();
        }
        return ((ModelPort) object).file();
    }

    static PortData read(PortKind kind, Path file) {
        return switch (kind) {
            case TABLE -> TableFiles.readJson(file);
            case PLAN -> new PlanPort(PlanFiles.read(file), file);
            case MODEL -> new ModelPort(file, ModelPortSpec.of(ModelFile.readHeader(file)));
        };
    }
}
