package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.BACKBONES;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.build;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.config;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.inputShape;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan3d;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.mlstm.ViLLayer;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;

/**
 * One checkpointed training step reaches every parameter, with two documented exceptions that are checked to be
 * (numerically) zero instead:
 * <ul>
 * <li>the ViL wrapper's LayerNorm, which xLSTM-UNet builds but never calls: exactly zero;</li>
 * <li>the bias of a convolution followed directly by InstanceNorm (conv1/conv2 of BasicResBlock and BasicBlockD):
 * the norm subtracts each channel's mean per sample, so a per-channel constant has no effect and its gradient is
 * zero up to rounding. The reference has the same inert biases (conv_bias=True); they are kept for parity.</li>
 * </ul>
 */
class BackboneGradientTest extends EngineTest {



    /** 2D, 4 stages on 16×24: Enc layers at stage 3 are channel tokens with D = 6 (ViL block-size-2 fallback). */
    @Test
    void everyParameterGetsAGradient2d() {
        for (Architecture a : BACKBONES) {
            check(a, plan2d(8, 16, 32, 64), new long[] { 16, 24 }, 1);
        }
    }

    /** 3D, 4 stages on 4×16×24: Mamba after every stage (L = 1536 at stage 0), channel tokens D = 6 at stage 3. */
    @Test
    void everyParameterGetsAGradient3d() {
        for (Architecture a : BACKBONES) {
            check(a, plan3d(4, 8, 12, 16), new long[] { 4, 16, 24 }, 2);
        }
    }

    private void check(Architecture a, BackbonePlan plan, long[] patch, int seed) {
        try (NDManager m = manager.newSubManager()) {
            engine.setRandomSeed(seed);
            ResidualUNet net = build(m, config(a, plan, 2, 3, true), patch);
            NDArray x = m.randomNormal(inputShape(1, 2, patch));
            // a random linear read-out of every deep-supervision output, so every head and path carries gradient
            NDList weights = new NDList();
            for (var s : net.getOutputShapes(new ai.djl.ndarray.types.Shape[] { x.getShape() })) {
                weights.add(m.randomNormal(s));
            }
            BackboneTestSupport.trainingStep(engine, net, m, x, out -> {
                NDArray loss = out.get(0).mul(weights.get(0)).mean();
                for (int i = 1; i < out.size(); i++) {
                    loss = loss.add(out.get(i).mul(weights.get(i)).mean());
                }
                return loss;
            });
            Set<Parameter> unused = identitySet();
            Set<Parameter> cancelledByNorm = identitySet();
            classify(net, unused, cancelledByNorm);
            if (a == Architecture.XLSTM_UNET_BOT || a == Architecture.XLSTM_UNET_ENC) {
                assertEquals(false, unused.isEmpty(), a + " has ViL wrapper norms");
            }
            double largest = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                largest = Math.max(largest, maxAbsGradient(p.getValue()));
            }
            int reached = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                double g = maxAbsGradient(p.getValue());
                String where = a + " " + plan.dims() + "D " + p.getKey();
                assertTrue(Double.isFinite(g), where + " gradient not finite");
                if (unused.contains(p.getValue())) {
                    assertEquals(0.0, g, where + " (unused ViL wrapper norm)");
                } else if (cancelledByNorm.contains(p.getValue())) {
                    assertTrue(g <= 1e-5 * largest, where + " (bias before InstanceNorm) " + g + " vs " + largest);
                } else {
                    assertTrue(g > 0, where + " received no gradient");
                    reached++;
                }
            }
            assertTrue(reached > 0);
            BackboneTestSupport.zeroGradients(net);
        }
    }

    private Set<Parameter> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Finds the ViL wrapper norms and the conv biases that feed an InstanceNorm directly. */
    private void classify(Block block, Set<Parameter> unused, Set<Parameter> cancelledByNorm) {
        if (block instanceof ViLLayer vil) {
            vil.getDirectParameters().forEach(p -> unused.add(p.getValue()));
        }
        if (block instanceof BasicResBlock || block instanceof BasicBlockD) {
            for (Pair<String, Block> child : block.getChildren()) {
                if (child.getKey().endsWith("conv1") || child.getKey().endsWith("conv2")) {
                    child.getValue().getDirectParameters().forEach(p -> {
                        if (p.getValue().getType() == Parameter.Type.BIAS) {
                            cancelledByNorm.add(p.getValue());
                        }
                    });
                }
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            classify(child.getValue(), unused, cancelledByNorm);
        }
    }

    private double maxAbsGradient(Parameter p) {
        try (NDArray g = p.getArray().getGradient()) {
            return g.abs().max().getFloat();
        }
    }
}
