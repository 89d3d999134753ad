package io.medseg.nn.mamba;

import java.util.List;

/** The loop implementations a kernel test compares: the scalar ones, and the SIMD ones where this JVM runs them. */
final class LoopVariants {
    private LoopVariants() {
    }

    /** {@code scalar}, and {@code best} too when it works on more than one lane. */
    static <T extends SimdLoops.VectorWidth> List<T> of(T scalar, T best) {
        return best.lanes() > 1 ? List.of(scalar, best) : List.of(scalar);
    }
}
