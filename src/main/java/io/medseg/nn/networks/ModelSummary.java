package io.medseg.nn.networks;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * What a network costs for one input shape: true parameters and MACs, and thop's view of both (see
 * {@link CostCounter}), in total and per named part.
 *
 * @param model a name for reports, e.g. "lightm-unet 3D 1→3"
 * @param inputShape the input (B, C, *S) the MACs are for; MACs scale with B
 * @param total the sums over all parts
 * @param parts per-part costs in the network's order
 */
public record ModelSummary(String model, long[] inputShape, Cost total, Map<String, Cost> parts) {

    public ModelSummary {
        inputShape = inputShape.clone();
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /** A copy of the input shape (records expose their array as is). */
    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    public long parameters() {
        return total.parameters();
    }

    public long macs() {
        return total.macs();
    }

    public long thopParameters() {
        return total.thopParameters();
    }

    public long thopMacs() {
        return total.thopMacs();
    }

    /** "FLOPs" as papers print thop's count: 2 × MACs, in units of 10^9. */
    public double thopGflops() {
        return 2.0 * total.thopMacs() / 1e9;
    }

    /** The true number of parameters of a built (initialised) block: the sum of the sizes of all its parameters. */
    public static long parameterCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s: %,d params, %.2f GMACs; thop %,d params, %.2f GFLOPs", model,
                Arrays.toString(inputShape), parameters(), macs() / 1e9, thopParameters(), thopGflops());
    }
}
