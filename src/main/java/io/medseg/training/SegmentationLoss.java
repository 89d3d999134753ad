package io.medseg.training;

import ai.djl.ndarray.NDArray;

/**
 * nnU-Net's DC_and_CE_loss: weight_ce·CE + weight_dice·SoftDice, both weights 1 by default. The Dice term is already
 * negative (−mean dc), so a perfect segmentation approaches −1 rather than 0; nnU-Net logs it that way too.
 */
public final class SegmentationLoss {
    private final CrossEntropyLoss crossEntropy;
    private final SoftDiceLoss dice;
    private final double weightCe;
    private final double weightDice;

    /** CE 1 + Dice 1, no class weights. */
    public SegmentationLoss(boolean batchDice) {
        this(new CrossEntropyLoss(), new SoftDiceLoss(batchDice), 1, 1);
    }

    public SegmentationLoss(CrossEntropyLoss crossEntropy, SoftDiceLoss dice, double weightCe, double weightDice) {
        this.crossEntropy = crossEntropy;
        this.dice = dice;
        this.weightCe = weightCe;
        this.weightDice = weightDice;
    }

    /** Scalar loss of logits (B, K, *S) against class labels (B, *S) in [0, K). */
    public NDArray apply(NDArray logits, NDArray labels) {
        NDArray ce = crossEntropy.apply(logits, labels).mul(Constants.scalar(logits, weightCe));
        NDArray dc = dice.apply(logits, labels).mul(Constants.scalar(logits, weightDice));
        return ce.add(dc);
    }
}
