package io.medseg.knime.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.KNIMEException;
import org.knime.core.node.NodeLogger;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.workflow.NodeContext;
import org.knime.node.parameters.NodeParameters;

import io.medseg.MedSegException;
import io.medseg.knime.port.Ports;
import io.medseg.node.MedSegNode;
import io.medseg.node.PortData;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortSpec;
import io.medseg.node.RunContext;
import io.medseg.node.SettingValues;
import io.medseg.node.SettingsException;

/**
 * Runs one engine node for KNIME: specs and data translated both ways, the engine called with the bundle's class
 * loader as context class loader (DJL finds its engine and natives through it), and the engine's outcomes mapped to
 * KNIME's: settings problems to InvalidSettingsException, cancellation to CanceledExecutionException, failures to
 * one-line KNIMEExceptions, warnings to the node's warning message.
 */
public final class EngineCall {
    /** What an execution produced: the KNIME outputs, the warnings as one message, the engine's report images. */
    public record Result(PortObject[] outputs, String warning, List<RunContext.ReportImage> images) {
    }

    private final MedSegNode node;
    private final Set<String> imageColumns;
    private final NodeLogger logger;

    public EngineCall(String type, Set<String> imageColumns) {
        this.node = EngineSettings.node(type);
        this.imageColumns = imageColumns;
        this.logger = NodeLogger.getLogger(node.name());
    }

    public MedSegNode node() {
        return node;
    }

    public PortObjectSpec[] configure(PortObjectSpec[] in, NodeParameters parameters)
            throws InvalidSettingsException {
        SettingValues settings = EngineSettings.resolve(node.type(), parameters);
        List<PortSpec> specs = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            specs.add(Ports.toEngine(node.inputs().get(i).kind(), i < in.length ? in[i] : null));
        }
        List<PortSpec> out;
        try {
            out = withBundleLoader(() -> node.configure(specs, settings));
        } catch (MedSegException e) { // SettingsException included
            throw new InvalidSettingsException(e.getMessage(), e);
        }
        return out.stream().map(s -> Ports.toKnime(s, imageColumns)).toArray(PortObjectSpec[]::new);
    }

    public Result execute(PortObject[] in, NodeParameters parameters, ExecutionContext exec, Path outputDir,
            Path checkpointDir) throws Exception {
        SettingValues settings = EngineSettings.resolve(node.type(), parameters);
        List<PortData> data = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            PortDefinition port = node.inputs().get(i);
            data.add(Ports.toEngine(port.kind(), i < in.length ? in[i] : null, exec));
        }
        KnimeRunMonitor monitor = new KnimeRunMonitor(exec, logger);
        RunContext context = new RunContext(nodeId(), monitor, outputDir, checkpointDir);
        List<PortData> out;
        try {
            out = withBundleLoader(() -> node.execute(data, settings, context));
        } catch (CancellationException e) {
            throw new CanceledExecutionException(node.name() + " cancelled");
        } catch (SettingsException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        } catch (MedSegException e) {
            throw new KNIMEException(e.getMessage(), e);
        }
        PortObject[] outputs = new PortObject[out.size()];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = Ports.toKnime(out.get(i), imageColumns, exec);
        }
        return new Result(outputs, monitor.warningMessage(), context.reportImages());
    }

    /** The node as KNIME names it (e.g. "Segmentation Learner 3:5"), which the engine puts in its messages. */
    private String nodeId() {
        NodeContext context = NodeContext.getContext();
        return context == null || context.getNodeContainer() == null ? node.name()
                : context.getNodeContainer().getNameWithID();
    }

    private <T> T withBundleLoader(Supplier<T> call) {
        KnimeDjl.configure();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(EngineCall.class.getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
