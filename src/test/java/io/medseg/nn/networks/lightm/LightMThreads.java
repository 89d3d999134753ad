package io.medseg.nn.networks.lightm;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import ai.djl.pytorch.jni.JniUtils;
import io.medseg.engine.DjlEnvironment;

/**
 * Runs a test class with one libtorch intra-op thread and restores the previous count afterwards. The networks'
 * small test tensors make thousands of tiny operations; on the shared 2-core machines OpenMP's second thread is often
 * descheduled and every parallel region waits for it, which made one training step 50× slower (30 s instead of 0.5 s).
 */
public final class LightMThreads implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LightMThreads.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        DjlEnvironment.pytorch();
        context.getStore(NS).put("threads", JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Integer previous = context.getStore(NS).get("threads", Integer.class);
        if (previous != null) {
            JniUtils.setNumThreads(previous);
        }
    }
}
