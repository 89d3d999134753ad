package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;

/**
 * The pieces together as a trainer will use them, in fp32: loss, backward, clipping, optimiser step and schedule, each
 * step inside its own NDScope (so optimiser state must survive the scopes), on a task a 1×1 convolution can learn.
 */
class LossTrainingTest extends EngineTest {
    @Test
    void aTinySegmenterLearnsWithEveryOptimiser() {
        for (TrainingRecipe.OptimizerKind kind : TrainingRecipe.OptimizerKind.values()) {
            Optimizer opt = switch (kind) {
                case ADAM -> new Adam(0.05, 1e-5, 1e-5);
                case ADAMW -> new AdamW(0.05, 1e-2, 1e-8);
                case SGD_NESTEROV -> new SgdNesterov(0.05, 0.9, 3e-5);
            };
            double[] losses = train(opt, 40);
            assertTrue(losses[1] < 0.6 * losses[0], kind + ": loss " + losses[0] + " -> " + losses[1]);
        }
    }

    /** Returns {first loss, last loss}. */
    private double[] train(Optimizer opt, int steps) {
        engine.setRandomSeed(3);
        Conv2d net = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(4, 2, 6, 6));
        NDArray x = manager.randomNormal(new Shape(4, 2, 6, 6));
        // labels from a fixed linear rule the network can represent: class = argmax(x0, x1, -x0 - x1)
        NDArray scores = NDArrays.stack(new NDList(x.get(":, 0"), x.get(":, 1"), x.get(":, 0").add(x.get(":, 1")).neg()));
        NDArray labels = scores.argMax(0).toType(DataType.INT32, false);
        SegmentationLoss loss = new SegmentationLoss(true);
        LearningRateSchedule schedule = new PolyLr(opt.learningRate(), steps);
        ParameterStore ps = new ParameterStore(manager, false);
        double first = 0;
        double last = 0;
        for (int s = 0; s < steps; s++) {
            schedule.apply(opt, s);
            try (NDScope scope = new NDScope()) {
                for (Pair<String, Parameter> p : net.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.subi(g);
                }
                double value;
                try (GradientCollector gc = engine.newGradientCollector()) {
                    NDArray l = loss.apply(net.forward(ps, new NDList(x), true).singletonOrThrow(), labels);
                    value = l.getFloat();
                    gc.backward(l);
                }
                GradientClipping.clipNorm(net.getParameters(), GradientClipping.NNUNET_MAX_NORM);
                opt.step(net.getParameters());
                if (s == 0) {
                    first = value;
                }
                last = value;
            }
        }
        assertEquals(steps, opt.steps());
        for (NDArray buffer : opt.state().values()) {
            assertTrue(Double.isFinite(buffer.toType(DataType.FLOAT64, false).sum().getDouble()));
        }
        return new double[] { first, last };
    }
}
