package io.medseg.training;

/** A learning rate per epoch, applied once at the start of each epoch (nnU-Net steps its scheduler per epoch). */
public interface LearningRateSchedule {
    /** The rate for epoch {@code epoch}, counted from 0. */
    double learningRate(int epoch);

    /** Sets the optimiser's rate for {@code epoch}. */
    default void apply(Optimizer optimizer, int epoch) {
        optimizer.setLearningRate(learningRate(epoch));
    }
}
