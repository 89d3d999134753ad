package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `medseg nodes` describes the node types from the nodes themselves. */
class NodesCommandTest {
    @Test
    void listsAndDescribesNodeTypes() {
        CliRunner list = CliRunner.run("nodes");
        assertEquals(0, list.status(), list.err());
        assertEquals(11, list.out().lines().count(), list.out());
        CliRunner one = CliRunner.run("nodes", "segmentation-predictor");
        assertEquals(0, one.status(), one.err());
        assertTrue(one.out().contains("model              model: A trained model."), one.out());
        assertTrue(one.out().contains("default 'test'; one of test, train, all"), one.out());
        CliRunner unknown = CliRunner.run("nodes", "segmentation-magic");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().startsWith("medseg: error: unknown node type 'segmentation-magic'; types are"),
                unknown.err());
    }
}
