package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/** Data-parallel arithmetic: replicas on halves of a batch give the whole batch's gradient on the master. */
class ReplicasTest extends EngineTest {
    private static final NetworkConfig CONFIG = new NetworkConfig(Architecture.RESIDUAL_UNET, 2, 1, 3,
            new BackbonePlan(new int[] { 4, 8 }, new long[][] { { 3, 3 }, { 3, 3 } },
                    new long[][] { { 1, 1 }, { 2, 2 } }, new int[] { 1, 1 }, new int[] { 1 }),
            false);
    private static final long[] PATCH = { 8, 8 };

    private Block master() {
        Block net = Networks.build(CONFIG, PATCH);
        net.initialize(manager, DataType.FLOAT32, Networks.inputShape(CONFIG, PATCH));
        return net;
    }

    /** CE + per-sample soft Dice: the mean over two equal halves is the mean over the batch. */
    private static NDArray loss(NDList heads, NDArray labels) {
        return new SegmentationLoss(false).apply(heads.singletonOrThrow(), labels);
    }

    @Test
    void shareWeightedGradientsOfTwoReplicasEqualTheWholeBatchGradient() {
        Block master = master();
        NDArray x = manager.randomNormal(new Shape(4, 1, 8, 8));
        NDArray y = manager.randomInteger(0, 3, new Shape(4, 8, 8), DataType.INT32);
        try (Replicas replicas = new Replicas(engine, master, manager, CONFIG, PATCH,
                List.of(Device.cpu(), Device.cpu()), DataType.FLOAT32)) {
            assertTrue(!replicas.direct());
            for (int r = 0; r < 2; r++) {
                Replicas.Replica rep = replicas.replicas().get(r);
                NDArray xs = x.get(r * 2 + ":" + (r * 2 + 2));
                NDArray ys = y.get(r * 2 + ":" + (r * 2 + 2));
                try (GradientCollector gc = engine.newGradientCollector()) {
                    gc.backward(loss(rep.network().forward(rep.store(), new NDList(xs), true), ys));
                }
            }
            replicas.gatherGradients(new double[] { 0.5, 0.5 });
            List<float[]> parallel = master.getParameters().values().stream()
                    .map(p -> p.getArray().getGradient().toFloatArray()).toList();

            master.getParameters().values().forEach(p -> {
                NDArray g = p.getArray().getGradient();
                g.subi(g);
            });
            try (GradientCollector gc = engine.newGradientCollector()) {
                gc.backward(loss(master.forward(new ParameterStore(manager, false), new NDList(x), true), y));
            }
            List<float[]> whole = master.getParameters().values().stream()
                    .map(p -> p.getArray().getGradient().toFloatArray()).toList();
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < whole.size(); i++) {
                for (int j = 0; j < whole.get(i).length; j++) {
                    scale = Math.max(scale, Math.abs(whole.get(i)[j]));
                    worst = Math.max(worst, Math.abs(whole.get(i)[j] - parallel.get(i)[j]));
                }
            }
            assertTrue(scale > 0 && worst <= 1e-5 * scale, "|Δ| " + worst + " of " + scale);
        }
    }

    @Test
    void pullCopiesTheMasterWeightsIntoEveryReplica() {
        Block master = master();
        try (Replicas replicas = new Replicas(engine, master, manager, CONFIG, PATCH,
                List.of(Device.cpu(), Device.cpu()), DataType.FLOAT32)) {
            try (NDScope scope = new NDScope()) {
                JniUtils.setGradMode(false);
                master.getParameters().values().forEach(p -> p.getArray().addi(1)); // as an optimiser step would
            } finally {
                JniUtils.setGradMode(true);
            }
            replicas.pull();
            for (Replicas.Replica r : replicas.replicas()) {
                for (int i = 0; i < master.getParameters().size(); i++) {
                    assertArrayEquals(master.getParameters().valueAt(i).getArray().toFloatArray(),
                            r.network().getParameters().valueAt(i).getArray().toFloatArray(), 0f);
                }
            }
        }
    }

    @Test
    void zeroingClearsTheNaNGradientsASkippedStepLeaves() {
        Block master = master();
        try (Replicas replicas = new Replicas(engine, master, manager, CONFIG, PATCH,
                List.of(Device.cpu(), Device.cpu()), DataType.FLOAT32)) {
            NDArray x = manager.randomNormal(new Shape(2, 1, 8, 8));
            NDArray y = manager.randomInteger(0, 3, new Shape(2, 8, 8), DataType.INT32);
            for (Replicas.Replica rep : replicas.replicas()) {
                try (GradientCollector gc = engine.newGradientCollector()) {
                    gc.backward(loss(rep.network().forward(rep.store(), new NDList(x), true), y).mul(Float.NaN));
                }
            }
            replicas.gatherGradients(new double[] { 0.5, 0.5 });
            replicas.zeroGradients();
            for (Replicas.Replica rep : replicas.replicas()) {
                for (var p : rep.network().getParameters()) {
                    assertEquals(0f, p.getValue().getArray().getGradient().abs().sum().getFloat(), p.getKey());
                }
            }
            replicas.gatherGradients(new double[] { 0.5, 0.5 }); // the master's NaN is replaced, not added to
            for (var p : master.getParameters()) {
                assertEquals(0f, p.getValue().getArray().getGradient().abs().sum().getFloat(), p.getKey());
            }
        }
    }
}
