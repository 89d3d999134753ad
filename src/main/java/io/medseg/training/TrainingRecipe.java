package io.medseg.training;

import io.medseg.nn.networks.Architecture;

/**
 * The optimisation settings an architecture's authors trained with, as plain data, plus factories for the optimiser
 * and schedule they imply.
 *
 * @param optimizer          which update rule
 * @param learningRate       initial rate (PolyLR decays it per epoch)
 * @param weightDecay        L2 (coupled for Adam/SGD, decoupled for AdamW)
 * @param eps                Adam's ε (unused by SGD)
 * @param momentum           SGD's Nesterov momentum (unused by Adam)
 * @param epochs             epochs to train
 * @param iterationsPerEpoch optimiser steps per epoch
 * @param deepSupervision    whether every decoder head is supervised (nnU-Net weighting)
 * @param gradientClipNorm   max global gradient norm
 */
public record TrainingRecipe(OptimizerKind optimizer, double learningRate, double weightDecay, double eps,
        double momentum, int epochs, int iterationsPerEpoch, boolean deepSupervision, double gradientClipNorm) {

    /** The update rules the recipes use. */
    public enum OptimizerKind {
        ADAM, ADAMW, SGD_NESTEROV
    }

    /**
     * nnU-Net v2's nnUNetTrainer defaults (configure_optimizers: torch.optim.SGD(lr=1e-2, weight_decay=3e-5,
     * momentum=0.99, nesterov=True) with PolyLRScheduler; num_epochs 1000, num_iterations_per_epoch 250; deep
     * supervision on; clip_grad_norm_ 12 in train_step). U-Mamba's and xLSTM-UNet's trainers subclass nnUNetTrainer
     * and keep these settings, and the residual baseline is nnU-Net's own network.
     */
    public static final TrainingRecipe NNUNET =
            new TrainingRecipe(OptimizerKind.SGD_NESTEROV, 1e-2, 3e-5, 0, 0.99, 1000, 250, true, 12);

    /**
     * LightM-UNet's released code (MrBlankness/LightM-UNet, nnUNetTrainerLightMUNet): subclass of
     * nnUNetTrainerNoDeepSupervision (one output head); initial_lr 1e-4, weight_decay 1e-5; configure_optimizers builds
     * torch.optim.Adam(lr, weight_decay, eps=1e-5) with PolyLRScheduler(exponent=0.9); its train_step clips with
     * clip_grad_norm_(..., 12) (no AMP). The repository's own copy of nnUNetTrainer sets num_epochs = 100 (nnU-Net's is
     * 1000) and keeps num_iterations_per_epoch = 250.
     */
    public static final TrainingRecipe LIGHTM_UNET =
            new TrainingRecipe(OptimizerKind.ADAM, 1e-4, 1e-5, 1e-5, 0, 100, 250, false, 12);

    /** The recipe the architecture's published code trains with. */
    public static TrainingRecipe of(Architecture architecture) {
        return switch (architecture) {
            case LIGHTM_UNET -> LIGHTM_UNET;
            case XLSTM_UNET_BOT, XLSTM_UNET_ENC, UMAMBA_BOT, UMAMBA_ENC, RESIDUAL_UNET -> NNUNET;
        };
    }

    /** A fresh optimiser at the initial rate. */
    public Optimizer newOptimizer() {
        return switch (optimizer) {
            case ADAM -> new Adam(learningRate, weightDecay, eps);
            case ADAMW -> new AdamW(learningRate, weightDecay, eps);
            case SGD_NESTEROV -> new SgdNesterov(learningRate, momentum, weightDecay);
        };
    }

    /** nnU-Net's per-epoch PolyLR (exponent 0.9) over {@link #epochs}, which every recipe here uses. */
    public LearningRateSchedule schedule() {
        return new PolyLr(learningRate, epochs);
    }

    /** This recipe with another epoch count (short runs, fine-tuning); the schedule stretches accordingly. */
    public TrainingRecipe withEpochs(int newEpochs) {
        return new TrainingRecipe(optimizer, learningRate, weightDecay, eps, momentum, newEpochs, iterationsPerEpoch,
                deepSupervision, gradientClipNorm);
    }
}
