package io.medseg.nn.networks;

/**
 * The size and compute of a network or one of its parts, under two conventions (see {@link CostCounter}).
 *
 * @param parameters the true number of learnable parameters
 * @param macs the true multiply-accumulates of one forward pass for one input
 * @param thopParameters parameters as thop's {@code profile} reports them (only modules whose hooks fire)
 * @param thopMacs MACs as thop's {@code profile} reports them (papers print 2× this as "FLOPs")
 */
public record Cost(long parameters, long macs, long thopParameters, long thopMacs) {
    public static final Cost ZERO = new Cost(0, 0, 0, 0);

    public Cost plus(Cost o) {
        return new Cost(parameters + o.parameters, macs + o.macs, thopParameters + o.thopParameters,
                thopMacs + o.thopMacs);
    }
}
