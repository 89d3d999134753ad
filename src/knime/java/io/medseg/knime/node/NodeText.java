package io.medseg.knime.node;

import io.medseg.node.MedSegNode;
import io.medseg.node.PortDefinition;
import io.medseg.node.TableSpec;

/** The engine's help texts as node description text, so KNIME's description and `medseg nodes` say the same. */
public final class NodeText {
    private NodeText() {
    }

    /** The engine's description and where the node keeps its files. */
    public static String fullDescription(MedSegNode node) {
        return node.description() + " The same node runs headless in MedSeg workflows (type " + node.type()
                + "). Files it writes go to data/medseg/ in the workflow folder and are deleted on reset; images"
                + " travel as local Path cells.";
    }

    public static String port(PortDefinition port) {
        String text = port.description();
        if (port.kind() == io.medseg.node.PortKind.TABLE) {
            text += " Table properties, where known: " + TableSpec.DIMS + ", " + TableSpec.CHANNELS + ", "
                    + TableSpec.LABELS + ".";
        }
        return port.optional() ? text + " Optional." : text;
    }
}
