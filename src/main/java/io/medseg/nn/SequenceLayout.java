package io.medseg.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Turns feature maps into token sequences and back, the way LightM-UNet, U-Mamba and xLSTM-UNet do: C-order
 * flattening, so the last spatial axis varies fastest.
 *
 * <ul>
 * <li>Patch tokens: (B, C, *S) → (B, L, C) with L = prod(S); each voxel is a token of C features.</li>
 * <li>Channel tokens (U-Mamba/xLSTM-UNet Enc on tiny maps): (B, C, *S) → (B, C, L); each channel is a token whose
 * features are the L voxels.</li>
 * </ul>
 */
public final class SequenceLayout {
    private SequenceLayout() {
    }

    /**
     * (B, C, *S) → (B, L, C), contiguous: the token layers read the tokens several times (a norm, a skip, a sum), and
     * each strided read of a transposed view cost more than the one copy (8% of a LightM-UNet CPU training step).
     */
    public static NDArray toPatchTokens(NDArray map) {
        Shape s = map.getShape();
        return contiguous(map.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1));
    }

    /**
     * A contiguous copy of a transposed (B, L, C) view (DJL has no {@code contiguous()}): reshaping it through a shape
     * it cannot be viewed as makes PyTorch copy it.
     */
    public static NDArray contiguous(NDArray transposed) {
        return transposed.reshape(transposed.getShape().get(0), -1).reshape(transposed.getShape());
    }

    /** (B, L, C) → (B, C, *S) for the spatial shape S of the original map. */
    public static NDArray fromPatchTokens(NDArray tokens, Shape spatial) {
        Shape s = tokens.getShape();
        return tokens.transpose(0, 2, 1).reshape(new Shape(s.get(0), s.get(2)).addAll(spatial));
    }

    /** (B, C, *S) → (B, C, L): channels as tokens. */
    public static NDArray toChannelTokens(NDArray map) {
        Shape s = map.getShape();
        return map.reshape(s.get(0), s.get(1), -1);
    }

    /** (B, C, L) → (B, C, *S). */
    public static NDArray fromChannelTokens(NDArray tokens, Shape spatial) {
        Shape s = tokens.getShape();
        return tokens.reshape(new Shape(s.get(0), s.get(1)).addAll(spatial));
    }

    /** Patch or channel tokens of a map, as a mixer layer chooses. */
    public static NDArray toTokens(NDArray map, boolean channelTokens) {
        return channelTokens ? toChannelTokens(map) : toPatchTokens(map);
    }

    /** The inverse of {@link #toTokens} for the spatial shape S of the original map. */
    public static NDArray fromTokens(NDArray tokens, Shape spatial, boolean channelTokens) {
        return channelTokens ? fromChannelTokens(tokens, spatial) : fromPatchTokens(tokens, spatial);
    }

    /** The token tensor's shape for a (B, C, *S) map: (B, prod(S), C), or (B, C, prod(S)) for channel tokens. */
    public static Shape tokenShape(Shape map, boolean channelTokens) {
        long voxels = spatialShape(map).size();
        return channelTokens ? new Shape(map.get(0), map.get(1), voxels) : new Shape(map.get(0), voxels, map.get(1));
    }

    /** The features per token of a (B, C, *S) map: C, or prod(S) for channel tokens. */
    public static long tokenFeatures(Shape map, boolean channelTokens) {
        return channelTokens ? spatialShape(map).size() : map.get(1);
    }

    /** The spatial part (*S) of a (B, C, *S) shape. */
    public static Shape spatialShape(Shape mapShape) {
        return mapShape.slice(2);
    }
}
