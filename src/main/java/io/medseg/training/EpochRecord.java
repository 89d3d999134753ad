package io.medseg.training;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch gave, as plain data: one row of the history.
 *
 * @param epoch           counted from 0
 * @param trainLoss       mean training loss over the epoch's iterations
 * @param validationLoss  mean loss over the validation patches (NaN without validation cases)
 * @param pseudoDice      foreground label name → Dice over the epoch's validation patches, from true/false
 *                        positives and false negatives summed over all of them (nnU-Net's "pseudo Dice"); NaN for a
 *                        label absent from both prediction and reference
 * @param meanPseudoDice  mean of {@code pseudoDice} over labels, ignoring NaN
 * @param emaPseudoDice   exponential moving average (0.9 old + 0.1 new) of {@code meanPseudoDice}; selects the best
 *                        checkpoint, as in nnU-Net
 * @param learningRate    the rate used during the epoch
 * @param seconds         wall-clock duration of the epoch including validation
 */
public record EpochRecord(int epoch, double trainLoss, double validationLoss, Map<String, Double> pseudoDice,
        double meanPseudoDice, double emaPseudoDice, double learningRate, double seconds) {

    public EpochRecord {
        pseudoDice = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pseudoDice));
    }
}
