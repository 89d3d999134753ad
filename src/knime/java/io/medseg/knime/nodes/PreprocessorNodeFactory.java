package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Segmentation Preprocessor node (engine type "segmentation-preprocessor"): a classic factory, because its outputs are files kept in the node's folder. */
public final class PreprocessorNodeFactory extends MedSegNodeFactory<PreprocessorParameters, MedSegNodeModel<PreprocessorParameters>> {
    public PreprocessorNodeFactory() {
        super(PreprocessorParameters.TYPE, PreprocessorParameters.class, "../../../../icons/preprocessor.png", NodeType.Manipulator, false);
    }

    @Override
    public MedSegNodeModel<PreprocessorParameters> createNodeModel() {
        return new MedSegNodeModel<>(PreprocessorParameters.TYPE, PreprocessorParameters.class, Set.of(), false);
    }
}
