package io.medseg.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/** Base for tests that compute with the PyTorch engine: a fresh manager per test and a fixed seed. */
public abstract class EngineTest {
    protected Engine engine;
    protected NDManager manager;

    /** The engine seed each test starts from. */
    protected int seed() {
        return 1234;
    }

    @BeforeEach
    void openEngine() {
        engine = DjlEnvironment.pytorch();
        manager = engine.newBaseManager();
        engine.setRandomSeed(seed());
    }

    @AfterEach
    void closeEngine() {
        manager.close();
    }
}
