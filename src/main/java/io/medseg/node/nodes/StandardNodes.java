package io.medseg.node.nodes;

import io.medseg.node.NodeRegistry;

/** MedSeg's node types. */
public final class StandardNodes {
    private StandardNodes() {
    }

    public static NodeRegistry registry() {
        return new NodeRegistry(new SyntheticDatasetNode(), new DatasetReaderNode(), new PreprocessorNode(),
                new LearnerNode(), new PredictorNode(), new ScorerNode(), new ModelWriterNode(),
                new ModelReaderNode(), new ModelImporterNode(), new ViewerNode());
    }
}
