package io.medseg.nn.networks.lightm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.checkpoint.CheckpointTape;

/** Training steps through the whole network with the checkpoint tape, as a trainer will run them. */
class LightMTrainingTest extends EngineTest {
    @Override
    protected int seed() {
        return 21;
    }




    private LightMUNet net(boolean checkpoint, DataType type, Shape input) {
        LightMUNet n = LightMUNet.builder().setDims(2).setChannels((int) input.get(1), 2).optCheckpoint(checkpoint).build();
        n.initialize(manager, type, input);
        return n;
    }

    /** Mean cross-entropy of logits (B, K, *S) against integer labels (B, *S). */
    private static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray onehot = labels.toType(DataType.INT64, false).oneHot(2, logits.getDataType()); // (B, *S, K)
        int dims = logits.getShape().dimension();
        int[] order = new int[dims];
        order[0] = 0;
        order[1] = dims - 1;
        for (int i = 2; i < dims; i++) {
            order[i] = i - 1;
        }
        return logits.logSoftmax(1).mul(onehot.transpose(order)).sum(new int[] { 1 }).mean().neg();
    }

    /**
     * One training step: forward under the tape, back-propagation through graph and checkpointed layers; returns the
     * loss. Every tensor the step creates is closed at its end (NDScope): they are attached to long-lived managers, and
     * a step at 32² creates about a gigabyte of them.
     */
    private double step(LightMUNet n, NDArray image, NDArray labels, boolean tape) {
        return step(n, image, labels, tape, CheckpointTape.defaultGraphBudget());
    }

    /** As above, with a tape of this graph budget (0: every RVM layer recomputed; the default keeps them all here). */
    private double step(LightMUNet n, NDArray image, NDArray labels, boolean tape, long graphBudget) {
        ParameterStore ps = new ParameterStore(manager, false);
        try (NDScope scope = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
            zeroGradients(n);
            NDArray loss;
            if (tape) {
                CheckpointTape t = new CheckpointTape(graphBudget);
                try (CheckpointTape.Scope s = t.activate()) {
                    loss = crossEntropy(n.forward(ps, new NDList(image), true).singletonOrThrow(), labels);
                }
                t.backward(loss);
            } else {
                loss = crossEntropy(n.forward(ps, new NDList(image), true).singletonOrThrow(), labels);
                gc.backward(loss);
            }
            return loss.toType(DataType.FLOAT64, false).getDouble();
        }
    }

    /** Gradients accumulate across backward passes (PyTorch semantics), so every step starts from zero. */
    private static void zeroGradients(LightMUNet n) {
        for (Pair<String, Parameter> p : n.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                NDArray g = a.getGradient();
                g.subi(g);
            }
        }
    }

    private NDArray blob(long size) {
        // a disc off the centre: foreground label 1, image = mask + mild noise
        NDArray yy = manager.arange(0f, size, 1f).reshape(size, 1).broadcast(new Shape(size, size));
        NDArray xx = manager.arange(0f, size, 1f).reshape(1, size).broadcast(new Shape(size, size));
        NDArray r2 = yy.sub(size * 0.4).square().add(xx.sub(size * 0.55).square());
        return r2.lt(size * size * 0.06).toType(DataType.FLOAT32, false).reshape(1, size, size);
    }

    @Test
    void everyParameterReceivesAGradientInOneCheckpointedStep() {
        LightMUNet n = net(true, DataType.FLOAT32, new Shape(1, 1, 16, 16));
        NDArray labels = blob(16);
        NDArray image = labels.add(manager.randomNormal(0f, 0.3f, labels.getShape(), DataType.FLOAT32)).expandDims(1);
        step(n, image, labels, true);
        List<String> without = new ArrayList<>();
        for (Pair<String, Parameter> p : n.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (!a.hasGradient() || a.getGradient().abs().max().getFloat() == 0f) {
                without.add(p.getKey());
            }
        }
        assertTrue(without.isEmpty(), "parameters without gradient: " + without);
    }

    @ParameterizedTest(name = "graph budget {0}")
    @ValueSource(longs = { 0, Long.MAX_VALUE })
    void checkpointedStepGivesTheSameGradientsAsPlainAutograd(long graphBudget) {
        Shape input = new Shape(1, 1, 8, 16);
        engine.setRandomSeed(4);
        LightMUNet plain = net(false, DataType.FLOAT64, input);
        engine.setRandomSeed(4);
        LightMUNet taped = net(true, DataType.FLOAT64, input);
        NDArray labels = manager.randomInteger(0, 2, new Shape(1, 8, 16), DataType.INT32);
        NDArray image = manager.randomNormal(0, 1, input, DataType.FLOAT64);
        double lossPlain = step(plain, image, labels, false);
        double lossTaped = step(taped, image, labels, true, graphBudget);
        assertTrue(Math.abs(lossPlain - lossTaped) < 1e-12, lossPlain + " vs " + lossTaped);
        Map<String, NDArray> tapedGrads = new HashMap<>();
        taped.getParameters().forEach(p -> tapedGrads.put(p.getKey(), p.getValue().getArray().getGradient()));
        for (Pair<String, Parameter> p : plain.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            double scale = g.abs().max().getDouble();
            double diff = g.sub(tapedGrads.get(p.getKey())).abs().max().getDouble();
            assertTrue(scale > 0 && diff <= 1e-9 * scale, p.getKey() + ": |Δ| " + diff + " of " + scale);
        }
    }

    @Test
    void overfitsOneTinyBatch() {
        long size = 32;
        LightMUNet n = net(true, DataType.FLOAT32, new Shape(1, 1, size, size));
        NDArray labels = blob(size);
        NDArray image = labels.add(manager.randomNormal(0f, 0.3f, labels.getShape(), DataType.FLOAT32)).expandDims(1);
        Adam adam = new Adam(5e-3);
        List<Float> curve = new ArrayList<>();
        int steps = 30;
        for (int i = 0; i < steps && (curve.isEmpty() || curve.get(curve.size() - 1) > 0.05f); i++) {
            curve.add((float) step(n, image, labels, true));
            adam.update(n);
        }
        System.out.println("LightM-UNet overfit CE curve: " + curve);
        float first = curve.get(0);
        float last = curve.get(curve.size() - 1);
        assertTrue(first > 0.3f, "an untrained network should not already fit: " + curve);
        assertTrue(last <= 0.05f, "CE did not fall below 0.05 in " + steps + " steps: " + curve);
    }

    /** Adam (β 0.9/0.999, ε 1e-8) written out, applied in place outside any gradient collector. */
    private static final class Adam {
        private final double lr;
        private final Map<String, NDArray[]> moments = new HashMap<>();
        private int t;

        Adam(double lr) {
            this.lr = lr;
        }

        void update(LightMUNet n) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (Pair<String, Parameter> p : n.getParameters()) {
                try (NDScope scope = new NDScope()) {
                    NDArray w = p.getValue().getArray();
                    NDArray g = w.getGradient();
                    NDArray[] mv = moments.get(p.getKey());
                    NDArray m = g.mul(0.1);
                    NDArray v = g.square().mul(0.001);
                    if (mv != null) {
                        m = m.add(mv[0].mul(0.9));
                        v = v.add(mv[1].mul(0.999));
                        mv[0].close();
                        mv[1].close();
                    }
                    NDScope.unregister(m, v);
                    moments.put(p.getKey(), new NDArray[] { m, v });
                    w.subi(m.div(c1).div(v.div(c2).sqrt().add(1e-8)).mul(lr));
                }
            }
        }
    }
}
