package io.medseg.nn.networks.lightm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.SequenceLayout;
import io.medseg.nn.layers.Norm;
import io.medseg.nn.networks.ModelSummary;

class LightMRvmLayerTest extends EngineTest {
    @Override
    protected int seed() {
        return 3;
    }

    private static final Shape INPUT = new Shape(2, 4, 3, 5);




    private RvmLayer layer(boolean checkpoint) {
        RvmLayer l = RvmLayer.builder().setChannels(4, 6).optCheckpoint(checkpoint).build();
        l.initialize(manager, DataType.FLOAT64, INPUT);
        return l;
    }

    private NDArray param(RvmLayer l, String suffix) {
        return param(l, suffix, "");
    }

    /** The parameter whose name starts with the child prefix and ends with the suffix. */
    private NDArray param(RvmLayer l, String suffix, String prefix) {
        for (Pair<String, Parameter> p : l.getParameters()) {
            if (p.getKey().startsWith(prefix) && p.getKey().endsWith(suffix)) {
                return p.getValue().getArray();
            }
        }
        throw new AssertionError("no parameter " + prefix + "*" + suffix + " in " + l.getParameters().keys());
    }

    @Test
    void theOneLayerNormIsAppliedBeforeTheMambaAndBeforeTheProjection() {
        RvmLayer l = layer(true);
        assertEquals(RvmLayer.parameterCount(4, 6), ModelSummary.parameterCount(l));
        List<String> normParams = new ArrayList<>();
        l.getParameters().forEach(p -> {
            if (p.getKey().contains("norm")) {
                normParams.add(p.getKey());
            }
        });
        assertEquals(2, normParams.size(), "one γ and one β: " + normParams);
        // give γ, β and s values a second, default-initialised norm (γ 1, β 0) or an unscaled skip could not have
        NDArray gamma = param(l, "gamma");
        NDArray beta = param(l, "beta");
        gamma.set(manager.randomUniform(0.5f, 1.5f, gamma.getShape(), DataType.FLOAT64).toDoubleArray());
        beta.set(manager.randomNormal(0, 1, beta.getShape(), DataType.FLOAT64).toDoubleArray());
        param(l, "skip_scale").set(new double[] { 0.7 });
        assertEquals(1, param(l, "skip_scale").size());

        NDArray x = manager.randomNormal(0, 1, INPUT, DataType.FLOAT64);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray actual = l.forward(ps, new NDList(x), false).singletonOrThrow();

        NDArray tokens = SequenceLayout.toPatchTokens(x);
        NDArray mixed = l.getChildren().get("02mamba").forward(ps, new NDList(Norm.layerNorm(tokens, gamma, beta)), false)
                .singletonOrThrow();
        NDArray residual = mixed.add(tokens.mul(0.7)); // the skip adds the UN-normalised tokens
        NDArray projected = Norm.layerNorm(residual, gamma, beta).matMul(param(l, "proj_weight", "03proj").transpose())
                .add(param(l, "proj_bias", "03proj"));
        NDArray expected = SequenceLayout.fromPatchTokens(projected, INPUT.slice(2));
        assertEquals(new Shape(2, 6, 3, 5), actual.getShape());
        assertTrue(actual.sub(expected).abs().max().getDouble() < 1e-12);
    }

    @Test
    void checkpointedLayerGivesTheSameGradientsAsPlainAutograd() {
        engine.setRandomSeed(5);
        RvmLayer plain = layer(false);
        engine.setRandomSeed(5);
        RvmLayer taped = layer(true);
        NDArray x = manager.randomNormal(0, 1, INPUT, DataType.FLOAT64);
        NDArray w = manager.randomNormal(0, 1, new Shape(2, 6, 3, 5), DataType.FLOAT64);
        NDArray gPlain = inputGradient(plain, x, w, false);
        NDArray gTaped = inputGradient(taped, x, w, true);
        assertTrue(gPlain.sub(gTaped).abs().max().getDouble() <= 1e-10 * gPlain.abs().max().getDouble());
        assertSameParameterGradients(plain, taped, 1e-10);
    }

    /**
     * On the CPU a layer over more tokens than its part length keeps them in parts from the tokens to the projection
     * (norms, Mamba block, skip, projection per part): the outputs and the input and parameter gradients of the layer
     * in one piece, with and without the closing max-pool, with plain autograd and through tapes that recompute or
     * keep the layer; in float64 (tensor forms) and float32 (the CPU kernels). 60 tokens: parts of 16 and one of 12.
     */
    @Test
    void partsOfALongSequenceGiveTheWholeLayersResult() {
        Shape input = new Shape(2, 4, 6, 10);
        for (boolean pool : new boolean[] { false, true }) {
            for (DataType type : new DataType[] { DataType.FLOAT64, DataType.FLOAT32 }) {
                double tolerance = type == DataType.FLOAT64 ? 1e-10 : 2e-5;
                RvmLayer whole = RvmLayer.builder().setChannels(4, 6).optMaxPool(pool).build();
                RvmLayer parts = RvmLayer.builder().setChannels(4, 6).optMaxPool(pool).optPartTokens(16).build();
                whole.initialize(manager, type, input);
                parts.initialize(manager, type, input);
                copyParameters(whole, parts);
                NDArray x = manager.randomNormal(0, 1, input, DataType.FLOAT64).toType(type, false);
                Shape out = whole.getOutputShapes(new Shape[] { input })[0];
                NDArray w = manager.randomNormal(0, 1, out, DataType.FLOAT64).toType(type, false);
                String what = type + (pool ? ", pooled" : "");
                assertWithin(parts.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow(),
                        whole.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow(),
                        tolerance, what + ": output");
                for (long budget : new long[] { -1, 0, Long.MAX_VALUE }) { // -1: plain autograd
                    for (RvmLayer l : List.of(whole, parts)) {
                        for (var p : l.getParameters()) {
                            p.getValue().getArray().getGradient().subi(p.getValue().getArray().getGradient());
                        }
                    }
                    NDArray g1 = budget < 0 ? inputGradient(whole, x, w, false) : inputGradient(whole, x, w, true, budget);
                    NDArray g2 = budget < 0 ? inputGradient(parts, x, w, false) : inputGradient(parts, x, w, true, budget);
                    assertWithin(g2, g1, tolerance, what + ", budget " + budget + ": input gradient");
                    assertCloseParameterGradients(whole, parts, tolerance, what + ", budget " + budget);
                }
            }
        }
    }
}
