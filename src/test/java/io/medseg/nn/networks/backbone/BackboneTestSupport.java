package io.medseg.nn.networks.backbone;

import java.util.Arrays;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;

/** Small plans and helpers shared by the backbone tests. */
final class BackboneTestSupport {
    /** The five architectures built on the residual backbone. */
    static final Architecture[] BACKBONES = { Architecture.RESIDUAL_UNET, Architecture.UMAMBA_BOT,
            Architecture.UMAMBA_ENC, Architecture.XLSTM_UNET_BOT, Architecture.XLSTM_UNET_ENC };

    private BackboneTestSupport() {
    }

    /** A plan with kernel 3 everywhere, stride 1 then 2 on every axis, two blocks per stage. */
    static BackbonePlan plan2d(int... features) {
        int n = features.length;
        long[][] kernels = new long[n][];
        long[][] strides = new long[n][];
        for (int s = 0; s < n; s++) {
            kernels[s] = new long[] { 3, 3 };
            strides[s] = s == 0 ? new long[] { 1, 1 } : new long[] { 2, 2 };
        }
        return new BackbonePlan(features, kernels, strides, twos(n), twos(n - 1));
    }

    /**
     * A 4-stage anisotropic 3D plan like nnU-Net's for thick slices: stage 0 kernel [1,3,3], then [3,3,3]; strides
     * [1,1,1], [1,2,2], [2,2,2], [2,2,2] (total [4, 8, 8]).
     */
    static BackbonePlan plan3d(int... features) {
        long[][] kernels = { { 1, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 } };
        long[][] strides = { { 1, 1, 1 }, { 1, 2, 2 }, { 2, 2, 2 }, { 2, 2, 2 } };
        return new BackbonePlan(features, kernels, strides, twos(4), twos(3));
    }

    static int[] twos(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 2);
        return a;
    }

    static NetworkConfig config(Architecture a, BackbonePlan plan, int in, int classes, boolean deepSupervision) {
        return new NetworkConfig(a, plan.dims(), in, classes, plan, deepSupervision);
    }

    /** Builds and initialises (fp32) for batch 1 at the patch size. */
    static ResidualUNet build(NDManager m, NetworkConfig config, long... patch) {
        ResidualUNet net = BackboneNetworks.build(config, patch);
        net.initialize(m, DataType.FLOAT32, inputShape(1, config.inChannels(), patch));
        return net;
    }

    static Shape inputShape(long batch, long channels, long... spatial) {
        return new Shape(batch, channels).addAll(new Shape(spatial));
    }

    /** The sum of the sizes of the initialised parameter arrays. */
    static long parameterSum(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    static NDList forward(Block net, NDManager m, NDArray x, boolean training) {
        return net.forward(new ParameterStore(m, false), new NDList(x), training);
    }

    /** Sets every parameter's accumulated gradient to zero (gradients accumulate across steps, as in PyTorch). */
    static void zeroGradients(Block net) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            g.subi(g);
            g.close();
        }
    }

    /**
     * One training step recorded on a {@link CheckpointTape} (the Mamba blocks are checkpointed segments), loss from
     * {@code lossOf}; returns the loss value. Gradients are left on the parameters.
     */
    static float trainingStep(Engine engine, Block net, NDManager step, NDArray x,
            java.util.function.Function<NDList, NDArray> lossOf) {
        try (GradientCollector gc = engine.newGradientCollector()) {
            CheckpointTape tape = new CheckpointTape();
            NDArray loss;
            try (CheckpointTape.Scope s = tape.activate()) {
                loss = lossOf.apply(forward(net, step, x, true));
            }
            tape.backward(loss);
            return loss.getFloat();
        }
    }
}
