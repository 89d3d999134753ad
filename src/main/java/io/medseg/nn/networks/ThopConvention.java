package io.medseg.nn.networks;

/**
 * How thop ({@code thop.profile}, used by papers to print params and FLOPs) counts, for the layer kinds MedSeg's
 * networks use. thop adds a forward hook to leaf modules of registered types only; a module whose {@code forward} is
 * never called (Mamba's Linear and Conv1d layers, whose weights mamba_ssm's fused CUDA path reads directly) or whose
 * type is not registered contributes neither parameters nor operations, and parameters owned by non-leaf modules
 * (A_log, D, skip scales) are never seen. Per call, for the registered kinds:
 * <ul>
 * <li>convolution: output elements × (Cin/groups · k^d + 1 if bias);</li>
 * <li>linear: in_features × output elements (bias not counted);</li>
 * <li>LayerNorm / GroupNorm with affine: 4 × elements (a shared norm called twice counts twice, its parameters once);
 * </li>
 * <li>nn.Upsample: bilinear 11 per output element; thop has no trilinear counter, so it counts 0;</li>
 * <li>ReLU, max-pooling: 0.</li>
 * </ul>
 *
 * @param groupNorm how GroupNorm is seen (classic thop does not register it)
 */
public record ThopConvention(GroupNormCount groupNorm) {
    /** How a thop run treats nn.GroupNorm. */
    public enum GroupNormCount {
        /** Not a registered type (classic thop): neither its parameters nor its operations are counted. */
        UNREGISTERED,
        /** Registered with zero operations (e.g. {@code custom_ops={nn.GroupNorm: zero_ops}}): parameters only. */
        PARAMETERS_ONLY,
        /** Registered like the other normalisations: its 2C parameters and 4 × elements per call. */
        COUNTED
    }

    /** thop as the LightM-UNet authors ran it; reproduces the paper's figures. */
    public static final ThopConvention CLASSIC = new ThopConvention(GroupNormCount.UNREGISTERED);

    /** Operations per element of an affine normalisation (thop's count_normalization: 2, doubled for affine). */
    public static final int NORM_OPS_PER_ELEMENT = 4;
    /** Operations per output element of a bilinear nn.Upsample. */
    public static final int BILINEAR_OPS_PER_ELEMENT = 11;
}
