package io.medseg.knime.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.KNIMEException;
import org.knime.core.node.NodeFactory.NodeType;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.node.DefaultModel.ConfigureInput;
import org.knime.node.DefaultModel.ConfigureOutput;
import org.knime.node.DefaultModel.ExecuteInput;
import org.knime.node.DefaultModel.ExecuteOutput;
import org.knime.node.DefaultNode;
import org.knime.node.parameters.NodeParameters;

import io.medseg.io.FileTrees;
import io.medseg.knime.port.Ports;
import io.medseg.node.MedSegNode;
import io.medseg.node.PortDefinition;

/**
 * DefaultNodeFactory definitions of the MedSeg nodes that keep no files of their own (they read files, score, or
 * write where the user says): ports, description and dialog from the engine node and its NodeParameters class,
 * configure and execute through {@link EngineCall}.
 */
public final class DefaultNodes {
    private DefaultNodes() {
    }

    public static DefaultNode create(String type, Class<? extends NodeParameters> parameters, String icon,
            NodeType nodeType) {
        EngineCall call = new EngineCall(type, Set.of());
        MedSegNode node = call.node();
        return DefaultNode.create().name(node.name()).icon(icon).shortDescription(node.description())
                .fullDescription(NodeText.fullDescription(node)).sinceVersion(5, 8, 0)
                .ports(p -> {
                    for (PortDefinition in : node.inputs()) {
                        p.addInputPort(in.name(), NodeText.port(in), Ports.type(in));
                    }
                    for (PortDefinition out : node.outputs()) {
                        p.addOutputPort(out.name(), NodeText.port(out), Ports.type(out));
                    }
                })
                .model(m -> m.parametersClass(parameters)
                        .configure((in, out) -> configure(call, in, out))
                        .execute((in, out) -> execute(call, in, out)))
                .nodeType(nodeType).keywords("MedSeg", "segmentation", "medical imaging");
    }

    private static void configure(EngineCall call, ConfigureInput in, ConfigureOutput out)
            throws InvalidSettingsException {
        PortObjectSpec[] specs = call.configure(in.getInPortSpecs(), in.getParameters());
        for (int i = 0; i < specs.length; i++) {
            out.setOutSpec(i, specs[i]);
        }
    }

    private static void execute(EngineCall call, ExecuteInput in, ExecuteOutput out)
            throws org.knime.core.node.CanceledExecutionException, KNIMEException {
        Path scratch = null;
        try {
            // these nodes write nothing the engine keeps; its output folder is a scratch folder gone afterwards
            scratch = Files.createTempDirectory("medseg-");
            EngineCall.Result result = call.execute(in.getInPortObjects(), in.getParameters(),
                    in.getExecutionContext(), scratch, scratch.resolve(".state"));
            PortObject[] outputs = result.outputs();
            for (int i = 0; i < outputs.length; i++) {
                out.setOutData(i, outputs[i]);
            }
            if (result.warning() != null) {
                out.setWarningMessage(result.warning());
            }
        } catch (org.knime.core.node.CanceledExecutionException | KNIMEException e) {
            throw e;
        } catch (Exception e) {
            throw new KNIMEException(e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            if (dir != null) {
                FileTrees.delete(dir);
            }
        } catch (IOException e) {
            org.knime.core.node.NodeLogger.getLogger(DefaultNodes.class).warn("could not delete " + dir, e);
        }
    }
}
