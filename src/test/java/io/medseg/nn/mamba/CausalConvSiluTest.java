package io.medseg.nn.mamba;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.nn.CausalDepthwiseConv1d;
import io.medseg.nn.Functions;
import io.medseg.nn.checkpoint.CheckpointTape;

/**
 * The fused SiLU-of-causal-convolution kernel against PyTorch's tensor form, silu(conv1d) on (B, L, E), evaluated in
 * fp64 on the same values: outputs, and the input, weight and bias gradients against autograd's, for the scalar and
 * the SIMD loops; both loops give the same bits; and through a recording tape the gradients reach the inputs.
 */
class CausalConvSiluTest extends EngineTest {
    private static final int KERNEL = 4;

    /** x (2, L, E) with values up to ±24, so that the sigmoid saturates at both ends; weight (E, 1, k); bias (E). */
    private NDList inputs(int length, int channels) {
        NDArray x = manager.randomNormal(0f, 6f, new Shape(2, length, channels), DataType.FLOAT32);
        NDArray w = manager.randomUniform(-0.5f, 0.5f, new Shape(channels, 1, KERNEL));
        NDArray b = manager.randomUniform(-0.5f, 0.5f, new Shape(channels));
        return new NDList(x, w, b);
    }

    /** The fp64 tensor form's output and its input gradients for the upstream gradient g. */
    private NDList reference(NDList in, NDArray g) {
        NDList leaves = leafCopies(in, DataType.FLOAT64);
        NDArray y;
        try (GradientCollector gc = engine.newGradientCollector()) {
            y = Functions.silu(CausalDepthwiseConv1d.apply(leaves.get(0), leaves.get(1), leaves.get(2), KERNEL));
            gc.backward(y.mul(g.toType(DataType.FLOAT64, false)).sum());
        }
        return new NDList(y.stopGradient(), leaves.get(0).getGradient(), leaves.get(1).getGradient(),
                leaves.get(2).getGradient());
    }


    @ParameterizedTest
    @CsvSource({ "37, 19", "64, 64", "300, 40", "3, 16", "1, 8" })
    void outputAndGradientsMatchTheTensorForm(int length, int channels) {
        NDList in = inputs(length, channels);
        NDArray g = manager.randomNormal(new Shape(2, length, channels));
        NDList expected = reference(in, g);
        for (ConvSiluLoops loops : LoopVariants.of(new ConvSiluLoops(), ConvSiluLoops.best())) {
            CausalConvSilu kernel = new CausalConvSilu(KERNEL, loops);
            String name = loops.lanes() + " lanes";
            assertWithin(kernel.apply(in).singletonOrThrow(), expected.get(0), 1e-5, name + ": output");
            NDList grads = kernel.gradients(in, new NDList(g));
            assertWithin(grads.get(0), expected.get(1), 1e-5, name + ": input gradient");
            assertWithin(grads.get(1), expected.get(2), 1e-5, name + ": weight gradient");
            assertWithin(grads.get(2), expected.get(3), 1e-5, name + ": bias gradient");
        }
    }

    @Test
    void scalarAndSimdLoopsGiveTheSameBits() {
        ConvSiluLoops simd = ConvSiluLoops.best();
        assumeTrue(simd.lanes() > 1, "no SIMD loops on this JVM");
        NDList in = inputs(70, 2 * simd.lanes() + 3); // full groups and a rest
        NDArray g = manager.randomNormal(in.get(0).getShape());
        CausalConvSilu scalar = new CausalConvSilu(KERNEL, new ConvSiluLoops());
        CausalConvSilu vector = new CausalConvSilu(KERNEL, simd);
        assertArrayEquals(scalar.apply(in).singletonOrThrow().toFloatArray(),
                vector.apply(in).singletonOrThrow().toFloatArray());
        NDList a = scalar.gradients(in, new NDList(g));
        NDList b = vector.gradients(in, new NDList(g));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.get(i).toFloatArray(), b.get(i).toFloatArray(), "gradient " + i);
        }
    }

    /**
     * Inside a checkpointed segment (its graph kept) the kernel runs, and the tape injects its gradients; on the tape
     * of the whole network the tensor form runs instead (its pushes would run back through every earlier layer).
     */
    @Test
    void insideASegmentTheTapeInjectsTheKernelsGradients() {
        NDList in = inputs(50, 24);
        NDArray g = manager.randomNormal(in.get(0).getShape());
        NDList expected = reference(in, g);
        NDList leaves = leafCopies(in, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            CheckpointTape tape = new CheckpointTape();
            NDArray loss;
            try (CheckpointTape.Scope s = tape.activate()) {
                assertFalse(JniUtils.requiresGrad((PtNDArray) CausalConvSilu.apply(Functions.scale(leaves.get(0), 1),
                        leaves.get(1), leaves.get(2), KERNEL)), "the tensor form on the network's tape");
                NDArray y = CheckpointTape.checkpoint(seg -> {
                    // x·1 so that the kernel's input is inside the graph, as a projection's output is
                    NDArray out = CausalConvSilu.apply(Functions.scale(seg.get(0), 1), seg.get(1), seg.get(2), KERNEL);
                    assertTrue(JniUtils.requiresGrad((PtNDArray) out), "the kernel: its output is a leaf of the tape");
                    return new NDList(out);
                }, leaves, 1).singletonOrThrow();
                loss = y.mul(g).sum();
            }
            tape.backward(loss);
        }
        for (int i = 0; i < 3; i++) {
            assertWithin(leaves.get(i).getGradient(), expected.get(i + 1), 1e-5, "gradient " + i);
        }
    }
}
