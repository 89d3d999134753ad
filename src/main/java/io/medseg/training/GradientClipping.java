package io.medseg.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * torch.nn.utils.clip_grad_norm_ with the 2-norm: the norm is taken over all gradients together, and when
 * max_norm/(norm + 1e-6) < 1 every gradient is scaled by that factor, keeping the direction of the whole update.
 * nnU-Net clips at 12 to survive the occasional exploding step early in training. A non-finite norm leaves the
 * gradients as they are (scaling cannot repair them) and is returned for {@link FiniteStepGuard} to refuse the step.
 */
public final class GradientClipping {
    /** nnU-Net's max norm (torch.nn.utils.clip_grad_norm_(..., 12) in nnUNetTrainer.train_step). */
    public static final double NNUNET_MAX_NORM = 12;

    private GradientClipping() {
    }

    /** Clips the gradients of a block's parameters in place; returns the total norm before clipping. */
    public static double clipNorm(PairList<String, Parameter> parameters, double maxNorm) {
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            arrays.add(p.getValue().getArray());
        }
        return clipNorm(arrays, maxNorm);
    }

    /** Clips the gradients of the given parameter arrays in place; returns the total norm before clipping. */
    public static double clipNorm(List<NDArray> parameters, double maxNorm) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        // scopes close the temporaries and gradient handles each call creates; the gradients themselves stay
        try {
            double sumSquares = 0;
            try (NDScope scope = new NDScope()) {
                for (NDArray p : parameters) {
                    if (p.hasGradient()) {
                        sumSquares += p.getGradient().toType(DataType.FLOAT64, true).square().sum().getDouble();
                    }
                }
            }
            double norm = Math.sqrt(sumSquares);
            double coefficient = maxNorm / (norm + 1e-6);
            if (Double.isFinite(norm) && coefficient < 1) {
                try (NDScope scope = new NDScope()) {
                    for (NDArray p : parameters) {
                        if (p.hasGradient()) {
                            p.getGradient().muli(coefficient);
                        }
                    }
                }
            }
            return norm;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
