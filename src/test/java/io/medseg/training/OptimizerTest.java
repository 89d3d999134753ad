package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;

/**
 * Each optimiser against a plain-Java loop of PyTorch's documented update rule, on f(w) = Σ a·w²/2 + b·w (so
 * ∇f = a·w + b), in fp64 for a few steps with a learning-rate change half-way as the schedules make.
 */
class OptimizerTest extends EngineTest {
    private static final double[] W0 = { 0.5, -1.2, 2.0, 0.03, -0.7 };
    private static final double[] A = { 1.0, 3.0, 0.5, 2.0, 10.0 };
    private static final double[] B = { 0.1, -0.2, 0.0, 0.4, -1.0 };
    private static final int STEPS = 6;
    private static final double LR = 0.05;
    private static final double LR_LATER = 0.02;

    private static double[] gradient(double[] w) {
        double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            g[i] = A[i] * w[i] + B[i];
        }
        return g;
    }

    private static double lr(int step) {
        return step <= STEPS / 2 ? LR : LR_LATER;
    }

    /** Fills w's gradient with ∇f by autograd, after clearing it (gradients accumulate). */
    private void backward(NDArray w) {
        if (w.hasGradient()) {
            NDArray g = w.getGradient();
            g.subi(g);
        }
        NDArray a = manager.create(A);
        NDArray b = manager.create(B);
        try (GradientCollector gc = engine.newGradientCollector()) {
            gc.backward(w.mul(w).mul(a).div(manager.create(2.0)).add(w.mul(b)).sum());
        }
    }

    private NDArray parameter() {
        NDArray w = manager.create(W0.clone());
        w.setRequiresGradient(true);
        return w;
    }

    /** Runs {@code steps} optimiser steps (numbered from {@code first}) and returns the parameter values. */
    private double[] run(Optimizer opt, NDArray w, int first, int steps) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("w", w);
        for (int s = first; s < first + steps; s++) {
            opt.setLearningRate(lr(s));
            backward(w);
            opt.step(params);
        }
        return w.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static double[] adamLoop(double wd, double eps, boolean decoupled) {
        double[] w = W0.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double b1 = 0.9;
        double b2 = 0.999;
        for (int t = 1; t <= STEPS; t++) {
            double lr = lr(t);
            double[] g = gradient(w);
            for (int i = 0; i < w.length; i++) {
                if (decoupled) {
                    w[i] *= 1 - lr * wd;
                } else {
                    g[i] += wd * w[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                // PyTorch adds eps to sqrt(v)/sqrt(1-b2^t), i.e. to sqrt(vHat)
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return w;
    }

    private static double[] sgdLoop(double momentum, double wd) {
        double[] w = W0.clone();
        double[] buf = null;
        for (int t = 1; t <= STEPS; t++) {
            double[] g = gradient(w);
            for (int i = 0; i < w.length; i++) {
                g[i] += wd * w[i];
            }
            if (buf == null) {
                buf = g.clone();
            } else {
                for (int i = 0; i < w.length; i++) {
                    buf[i] = momentum * buf[i] + g[i];
                }
            }
            for (int i = 0; i < w.length; i++) {
                w[i] -= lr(t) * (g[i] + momentum * buf[i]);
            }
        }
        return w;
    }

    @Test
    void adamFollowsPyTorchWithCoupledDecay() {
        // a large decay so that coupled and decoupled decay give visibly different results
        double[] got = run(new Adam(LR, 0.3, 1e-5), parameter(), 1, STEPS);
        assertArrayEquals(adamLoop(0.3, 1e-5, false), got, 1e-12);
        assertFalse(java.util.Arrays.equals(adamLoop(0.3, 1e-5, true), got));
    }

    @Test
    void adamWFollowsPyTorchWithDecoupledDecay() {
        double[] got = run(new AdamW(LR, 0.3, 1e-8), parameter(), 1, STEPS);
        assertArrayEquals(adamLoop(0.3, 1e-8, true), got, 1e-12);
        double[] coupled = adamLoop(0.3, 1e-8, false);
        assertFalse(Math.abs(coupled[0] - got[0]) < 1e-6, "AdamW matched coupled decay");
    }

    @Test
    void sgdNesterovFollowsPyTorch() {
        double[] got = run(new SgdNesterov(LR, 0.99, 3e-5), parameter(), 1, STEPS);
        assertArrayEquals(sgdLoop(0.99, 3e-5), got, 1e-12);
    }

    @Test
    void stepsCountAndStateIsNamed() {
        Adam adam = new Adam(LR, 0, 1e-8);
        run(adam, parameter(), 1, 2);
        assertEquals(2, adam.steps());
        assertEquals(java.util.Set.of("exp_avg/w", "exp_avg_sq/w"), adam.state().keySet());
        SgdNesterov sgd = new SgdNesterov(LR, 0.9, 0);
        run(sgd, parameter(), 1, 1);
        assertEquals(java.util.Set.of("momentum_buffer/w"), sgd.state().keySet());
    }

    @Test
    void resumingFromSavedStateContinuesExactly() {
        assertResumesExactly(() -> new Adam(LR, 1e-2, 1e-5));
        assertResumesExactly(() -> new AdamW(LR, 1e-2, 1e-8));
        assertResumesExactly(() -> new SgdNesterov(LR, 0.99, 3e-5));
    }

    private void assertResumesExactly(Supplier<Optimizer> factory) {
        double[] straight = run(factory.get(), parameter(), 1, STEPS);

        Optimizer first = factory.get();
        NDArray w = parameter();
        run(first, w, 1, 2);
        // "save": copy to plain numbers, as a checkpoint file would hold them
        Map<String, double[]> saved = new LinkedHashMap<>();
        first.state().forEach((k, v) -> saved.put(k, v.toDoubleArray()));
        double[] savedW = w.toDoubleArray();
        long savedSteps = first.steps();

        Optimizer resumed = factory.get();
        Map<String, NDArray> loaded = new LinkedHashMap<>();
        saved.forEach((k, v) -> loaded.put(k, manager.create(v)));
        resumed.loadState(loaded, savedSteps);
        NDArray w2 = manager.create(savedW);
        w2.setRequiresGradient(true);
        double[] continued = run(resumed, w2, 3, STEPS - 2);
        assertArrayEquals(straight, continued, 0, factory.get().getClass().getSimpleName());
        resumed.close();
        assertTrue(resumed.state().isEmpty());
    }

    @Test
    void updatesKeepTheParameterType() {
        NDArray w = manager.create(new float[] { 1, 2, 3, 4, 5 });
        w.setRequiresGradient(true);
        run(new Adam(LR, 1e-5, 1e-5), w, 1, 1);
        assertEquals(DataType.FLOAT32, w.getDataType());
    }

    @Test
    void recipesCarryThePublishedSettings() {
        TrainingRecipe lightm = TrainingRecipe.of(io.medseg.nn.networks.Architecture.LIGHTM_UNET);
        assertEquals(TrainingRecipe.OptimizerKind.ADAM, lightm.optimizer());
        assertEquals(1e-4, lightm.learningRate());
        assertEquals(1e-5, lightm.weightDecay());
        assertEquals(1e-5, lightm.eps());
        assertEquals(100, lightm.epochs());
        assertFalse(lightm.deepSupervision());
        assertEquals(Adam.class, lightm.newOptimizer().getClass());
        for (var arch : io.medseg.nn.networks.Architecture.trainable()) {
            TrainingRecipe r = TrainingRecipe.of(arch);
            assertEquals(250, r.iterationsPerEpoch());
            assertEquals(12, r.gradientClipNorm());
            if (arch != io.medseg.nn.networks.Architecture.LIGHTM_UNET) {
                assertEquals(SgdNesterov.class, r.newOptimizer().getClass(), arch.id());
                assertEquals(0.99, r.momentum());
                assertEquals(3e-5, r.weightDecay());
                assertTrue(r.deepSupervision());
                double lr0 = r.learningRate();
                assertEquals(lr0, r.schedule().learningRate(0));
                assertEquals(lr0 * Math.pow(1 - 10.0 / r.epochs(), 0.9), r.schedule().learningRate(10), 1e-18);
            }
        }
        assertEquals(TrainingRecipe.NNUNET, TrainingRecipe.of(io.medseg.nn.networks.Architecture.UMAMBA_ENC));
        assertEquals(TrainingRecipe.NNUNET, TrainingRecipe.of(io.medseg.nn.networks.Architecture.RESIDUAL_UNET));
        assertEquals(1e-2, TrainingRecipe.NNUNET.learningRate());
        assertEquals(1000, TrainingRecipe.NNUNET.epochs());
        TrainingRecipe xlstm = TrainingRecipe.of(io.medseg.nn.networks.Architecture.XLSTM_UNET_BOT);
        assertEquals(5e-3, xlstm.learningRate());
        assertEquals(4000, xlstm.epochs());
        assertEquals(50, xlstm.withEpochs(50).schedule() instanceof PolyLr p ? p.epochs() : -1);
    }

    @Test
    void nnUNetsOwnNetworksAreImportedNotTrained() {
        for (var arch : java.util.List.of(io.medseg.nn.networks.Architecture.PLAIN_UNET,
                io.medseg.nn.networks.Architecture.RESENC_UNET)) {
            String message = org.junit.jupiter.api.Assertions.assertThrows(io.medseg.MedSegException.class,
                    () -> TrainingRecipe.of(arch)).getMessage();
            org.junit.jupiter.api.Assertions.assertTrue(message.startsWith(arch.id() + " is nnU-Net's own network")
                    && message.contains("medseg import"), message);
        }
    }
}
