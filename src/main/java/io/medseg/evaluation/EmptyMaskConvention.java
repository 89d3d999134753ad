package io.medseg.evaluation;

import java.util.Locale;

/**
 * What to report when a label is absent from both prediction and reference. Overlap metrics are 0/0 there; nnU-Net
 * reports NaN (and leaves the case out of its mean), other challenges count a correctly empty prediction as perfect.
 */
public enum EmptyMaskConvention {
    /** Dice, IoU, NSD, HD95, ASSD and relative volume difference are NaN and drop out of the summary. */
    NAN,
    /** A perfect score: Dice, IoU and NSD 1, HD95, ASSD and relative volume difference 0. */
    ONE;

    /** Parses the command-line spelling ({@code nan} or {@code one}). */
    public static EmptyMaskConvention parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "nan" -> NAN;
            case "one", "1" -> ONE;
            default -> throw new IllegalArgumentException("expected nan or one, got '" + s + "'");
        };
    }
}
