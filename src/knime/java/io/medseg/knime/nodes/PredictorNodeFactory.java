package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Segmentation Predictor node (engine type "segmentation-predictor"): a classic factory, because its outputs are files kept in the node's folder. */
public final class PredictorNodeFactory extends MedSegNodeFactory<PredictorParameters, MedSegNodeModel<PredictorParameters>> {
    public PredictorNodeFactory() {
        super(PredictorParameters.TYPE, PredictorParameters.class, "../../../../icons/predictor.png", NodeType.Predictor, false);
    }

    @Override
    public MedSegNodeModel<PredictorParameters> createNodeModel() {
        return new MedSegNodeModel<>(PredictorParameters.TYPE, PredictorParameters.class, Set.of(), false);
    }
}
