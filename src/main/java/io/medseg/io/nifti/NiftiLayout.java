package io.medseg.io.nifti;

import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.image.ImageDataType;

/**
 * What a NIfTI header says the voxel data is, checked for consistency: stored type, spatial shape, channel count and
 * byte count. Checking happens here, before anything is allocated, so a corrupt or hostile header is rejected with a
 * clear message instead of an out-of-memory error or a negative array size.
 *
 * <p>MedSeg maps NIfTI's up-to-7 dimensions onto (i, j[, k], channel): 1D and 2D files are 2D images (a 1D line gets
 * j = 1), and everything from dim[4] on (time, vector components, ...) is folded into the channel axis, which matches
 * the file order where i runs fastest.
 */
public record NiftiLayout(ImageDataType storedType, int spatialDims, long[] spatialShape, long channels,
        long voxelsPerChannel) {

    /** Names of NIfTI datatypes MedSeg does not read, so the message can say what the file holds. */
    private static final Map<Integer, String> UNSUPPORTED = Map.of(0, "unknown", 1, "binary", 32, "complex64", 1536,
            "float128", 1792, "complex128", 2048, "complex256", 2304, "rgba32");

    /** Largest number of array elements an imglib2 array image holds. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;

    /** Validates a header; {@code file} names the source in messages. */
    public static NiftiLayout of(NiftiHeader h, String file) {
        ImageDataType type = ImageDataType.fromNiftiCode(h.datatype());
        if (type == null) {
            String name = UNSUPPORTED.get(h.datatype());
            throw new MedSegException(file + ": unsupported NIfTI datatype " + h.datatype()
                    + (name == null ? "" : " (" + name + ")")
                    + "; supported: uint8, int8, int16, uint16, int32, uint32, int64, float32, float64, rgb24");
        }
        if (h.bitpix() != 8 * type.bytesPerVoxel()) {
            throw new MedSegException(file + ": bitpix " + h.bitpix() + " does not match datatype " + h.datatype()
                    + " (" + type.label() + ", " + 8 * type.bytesPerVoxel() + " bits)");
        }
        long[] dim = h.dim();
        int n = (int) dim[0];
        if (dim[0] < 1 || dim[0] > 7) {
            throw new MedSegException(file + ": dim[0] is " + dim[0] + ", expected 1 to 7 dimensions");
        }
        for (int i = 1; i <= n; i++) {
            if (dim[i] <= 0) {
                throw new MedSegException(file + ": dim[" + i + "] is " + dim[i] + ", dimensions must be positive");
            }
        }
        int spatialDims = n >= 3 ? 3 : 2;
        long[] shape = new long[spatialDims];
        for (int i = 0; i < spatialDims; i++) {
            shape[i] = i + 1 <= n ? dim[i + 1] : 1;
        }
        long voxels = 1;
        for (long s : shape) {
            voxels = checkedTimes(voxels, s, file, h);
        }
        long channels = 1;
        for (int i = 4; i <= n; i++) {
            channels = checkedTimes(channels, dim[i], file, h);
        }
        long components = type == ImageDataType.RGB24 ? 3 : 1;
        long elements = checkedTimes(checkedTimes(voxels, channels, file, h), components, file, h);
        if (elements > MAX_ELEMENTS) {
            throw new MedSegException(file + ": image too large: " + describeDims(h) + " is " + elements
                    + " values, at most " + MAX_ELEMENTS + " are supported");
        }
        return new NiftiLayout(type, spatialDims, shape, channels * components, voxels);
    }

    /** Number of values in memory (voxels times channels). */
    public long elements() {
        return voxelsPerChannel * channels;
    }

    /** Bytes of voxel data in the file. */
    public long dataBytes() {
        return elements() * storedType.bytesPerVoxel() / (storedType == ImageDataType.RGB24 ? 3 : 1);
    }

    /** Shape of the image in memory: spatial axes then channels. */
    public long[] memoryShape() {
        long[] s = new long[spatialDims + 1];
        System.arraycopy(spatialShape, 0, s, 0, spatialDims);
        s[spatialDims] = channels;
        return s;
    }

    @Override
    public long[] spatialShape() {
        return spatialShape.clone();
    }

    private static long checkedTimes(long a, long b, String file, NiftiHeader h) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new MedSegException(file + ": image too large: " + describeDims(h) + " overflows a 64-bit count");
        }
    }

    static String describeDims(NiftiHeader h) {
        long[] d = h.dim();
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= Math.max(1, Math.min(7, d[0])); i++) {
            s.append(i > 1 ? "x" : "").append(d[i]);
        }
        return s.toString();
    }
}
