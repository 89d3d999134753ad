package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.build;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.config;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.networks.Architecture;

/**
 * Each backbone network over-fits one tiny 2D case on CPU: a noisy 1 × 1 × 32 × 32 image of a bright disc, its disc
 * mask as the target, plan [8, 16, 32], plain Adam written out below. The cross-entropy must fall from about ln 2
 * below {@link #TARGET_LOSS} within {@link #STEPS} steps; a network whose gradients were wrong or did not reach the
 * early layers would not get there.
 */
class BackboneOverfitTest extends EngineTest {
    private static final int STEPS = 80;
    private static final float TARGET_LOSS = 0.01f;
    private static final float LR = 1e-2f;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    private static final int SIZE = 32;




    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = { "RESIDUAL_UNET", "UMAMBA_BOT", "UMAMBA_ENC", "XLSTM_UNET_BOT",
            "XLSTM_UNET_ENC" })
    void overfitsOneTinyCase(Architecture architecture) {
        try (NDManager m = manager.newSubManager()) {
            engine.setRandomSeed(7);
            ResidualUNet net = build(m, config(architecture, plan2d(8, 16, 32), 1, 2, false), SIZE, SIZE);
            float[] mask = disc();
            NDArray target = m.create(mask, new Shape(1, 1, SIZE, SIZE));
            NDArray oneHot = target.neg().add(1).concat(target, 1); // (1, 2, H, W): background, disc
            NDArray image = target.add(m.randomNormal(0, 1f, target.getShape(), target.getDataType()));
            List<NDArray[]> moments = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray w = p.getValue().getArray();
                moments.add(new NDArray[] { m.zeros(w.getShape()), m.zeros(w.getShape()) });
            }
            float first = Float.NaN;
            float loss = Float.NaN;
            int steps = 0;
            long t0 = System.nanoTime();
            for (int step = 1; step <= STEPS; step++) {
                try (NDManager stepManager = m.newSubManager()) {
                    loss = BackboneTestSupport.trainingStep(engine, net, stepManager, image,
                            out -> out.get(0).logSoftmax(1).mul(oneHot).sum(new int[] { 1 }).mean().neg());
                }
                if (step == 1) {
                    first = loss;
                }
                adam(net, moments, step);
                steps = step;
                if (loss < TARGET_LOSS) {
                    break;
                }
            }
            System.out.printf("%s: cross-entropy %.3f -> %.4f in %d steps, %.1f s%n", architecture, first, loss, steps,
                    (System.nanoTime() - t0) / 1e9);
            assertTrue(first > 0.3f, architecture + " starts near chance, got " + first);
            assertTrue(loss < TARGET_LOSS, architecture + " did not over-fit: loss " + loss + " after " + STEPS);
        }
    }

    /**
     * Adam without weight decay: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − lr·m̂/(√v̂ + ε), then g ← 0.
     * Nothing here is differentiated, and everything it creates is closed by the scope; the state and the weights
     * are updated in place, so no new arrays pile up in the parameters' manager.
     */
    private static void adam(ResidualUNet net, List<NDArray[]> moments, int step) {
        float c1 = 1 - (float) Math.pow(BETA1, step);
        float c2 = 1 - (float) Math.pow(BETA2, step);
        int i = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            NDArray[] mv = moments.get(i++);
            try (NDScope scope = new NDScope()) {
                NDArray w = p.getValue().getArray();
                NDArray g = w.getGradient();
                mv[0].muli(BETA1).addi(g.mul(1 - BETA1));
                mv[1].muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray denominator = mv[1].div(c2).sqrt().addi(EPS);
                w.subi(mv[0].mul(LR / c1).divi(denominator));
                g.subi(g);
            }
        }
    }

    /** A disc of radius 8 off the centre, 1 inside, 0 outside. */
    private static float[] disc() {
        float[] mask = new float[SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double dy = y - 13.5;
                double dx = x - 17.5;
                mask[y * SIZE + x] = dy * dy + dx * dx <= 64 ? 1f : 0f;
            }
        }
        return mask;
    }
}
