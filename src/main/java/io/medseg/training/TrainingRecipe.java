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
     * nnU-Net v2's nnUNetTrainer defaults: configure_optimizers builds torch.optim.SGD(lr=1e-2, weight_decay=3e-5,
     * momentum=0.99, nesterov=True) with PolyLRScheduler; num_epochs 1000, num_iterations_per_epoch 250; deep
     * supervision on; train_step clips with clip_grad_norm_(..., 12). U-Mamba's copy of nnUNetTrainer
     * (bowang-lab/U-Mamba) keeps all of these and its UMambaBot/UMambaEnc trainers only change the network; the
     * residual baseline is nnU-Net's own setting.
     */
    public static final TrainingRecipe NNUNET =
            new TrainingRecipe(OptimizerKind.SGD_NESTEROV, 1e-2, 3e-5, 0, 0.99, 1000, 250, true, 12);

    /**
     * xLSTM-UNet's released code (tianrun-chen/xLSTM-UNet-PyTorch): its nnUNetTrainer takes the initial rate from the
     * required {@code -lr} argument, and the published train_bot.sh / train_enc.sh pass 5e-3; SGD momentum 0.99
     * Nesterov, weight_decay 3e-5, PolyLRScheduler from that rate (the optimiser is built at 0.00611 but the scheduler
     * sets the rate before the first epoch, so 0.00611 is never used); num_epochs 4000, 250 iterations; deep
     * supervision on; clip 12.
     */
    public static final TrainingRecipe XLSTM_UNET =
            new TrainingRecipe(OptimizerKind.SGD_NESTEROV, 5e-3, 3e-5, 0, 0.99, 4000, 250, true, 12);

    /**
     * LightM-UNet's released code (MrBlankness/LightM-UNet, nnUNetTrainerLightMUNet): subclass of
     * nnUNetTrainerNoDeepSupervision (one output head); initial_lr 1e-4, weight_decay 1e-5; configure_optimizers builds
     * torch.optim.Adam(lr, weight_decay, eps=1e-5) with PolyLRScheduler(exponent=0.9); its train_step clips with
     * clip_grad_norm_(..., 12) (no AMP). The repository's own copy of nnUNetTrainer sets num_epochs = 100 (nnU-Net's is
     * 1000) and keeps num_iterations_per_epoch = 250.
     */
    public static final TrainingRecipe LIGHTM_UNET =
            new TrainingRecipe(OptimizerKind.ADAM, 1e-4, 1e-5, 1e-5, 0, 100, 250, false, 12);

    /**
     * Optimiser steps below which a run counts as short: a tenth of LightM-UNet's published 100 x 250, about what a
     * CPU trains in an hour.
     */
    public static final int SHORT_RUN_STEPS = 2_500;
    /**
     * The initial rate of an Adam recipe in a short run. LightM-UNet's published 1e-4 is tuned for 25,000 GPU steps;
     * in a few hundred steps it leaves the network under-trained (measured: synthetic masked MRI, 120 steps, test Dice
     * 0.33), while 2e-3 reached a validation pseudo-Dice of 0.95 within 30 steps and stayed stable over the main job's
     * 540. The SGD recipes (nnU-Net, xLSTM-UNet) already start at 5e-3 to 1e-2 and keep their rate.
     */
    public static final double SHORT_RUN_ADAM_RATE = 2e-3;

    /** The recipe the architecture's published code trains with. */
    public static TrainingRecipe of(Architecture architecture) {
        return switch (architecture) {
            case LIGHTM_UNET -> LIGHTM_UNET;
            case XLSTM_UNET_BOT, XLSTM_UNET_ENC -> XLSTM_UNET;
            case UMAMBA_BOT, UMAMBA_ENC, RESIDUAL_UNET -> NNUNET;
            case PLAIN_UNET, RESENC_UNET -> throw architecture.notTrainable();
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

    /** This recipe with another number of optimiser steps per epoch. */
    public TrainingRecipe withIterationsPerEpoch(int iterations) {
        return new TrainingRecipe(optimizer, learningRate, weightDecay, eps, momentum, epochs, iterations,
                deepSupervision, gradientClipNorm);
    }

    /** Whether this recipe's run is short (under {@link #SHORT_RUN_STEPS} steps) with the Adam short-run rate. */
    public boolean isShortAdamRun() {
        return optimizer == OptimizerKind.ADAM && (long) epochs * iterationsPerEpoch < SHORT_RUN_STEPS;
    }

    /** This recipe with another initial learning rate (the schedule decays from it). */
    public TrainingRecipe withLearningRate(double rate) {
        return new TrainingRecipe(optimizer, rate, weightDecay, eps, momentum, epochs, iterationsPerEpoch,
                deepSupervision, gradientClipNorm);
    }

    /** This recipe with another epoch count (short runs, fine-tuning); the schedule stretches accordingly. */
    public TrainingRecipe withEpochs(int newEpochs) {
        return new TrainingRecipe(optimizer, learningRate, weightDecay, eps, momentum, newEpochs, iterationsPerEpoch,
                deepSupervision, gradientClipNorm);
    }
}
