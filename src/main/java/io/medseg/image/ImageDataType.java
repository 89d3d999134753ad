package io.medseg.image;

import java.util.Locale;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

/**
 * The voxel data types MedSeg reads and writes, with their NIfTI datatype codes. {@link #RGB24} is a storage format
 * only: in memory it becomes three {@link #UINT8} channels.
 */
public enum ImageDataType {
    UINT8(2, 1, true, 0, 255),
    INT8(256, 1, true, -128, 127),
    INT16(4, 2, true, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16(512, 2, true, 0, 65535),
    INT32(8, 4, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32(768, 4, true, 0, 4294967295.0),
    INT64(1024, 8, true, Long.MIN_VALUE, (double) Long.MAX_VALUE),
    FLOAT32(16, 4, false, -Float.MAX_VALUE, Float.MAX_VALUE),
    FLOAT64(64, 8, false, -Double.MAX_VALUE, Double.MAX_VALUE),
    RGB24(128, 3, true, 0, 255);

    private final int niftiCode;
    private final int bytesPerVoxel;
    private final boolean integral;
    private final double min;
    private final double max;

    ImageDataType(int niftiCode, int bytesPerVoxel, boolean integral, double min, double max) {
        this.niftiCode = niftiCode;
        this.bytesPerVoxel = bytesPerVoxel;
        this.integral = integral;
        this.min = min;
        this.max = max;
    }

    public int niftiCode() {
        return niftiCode;
    }

    /** Bytes one voxel takes on disk (3 for RGB24). */
    public int bytesPerVoxel() {
        return bytesPerVoxel;
    }

    public boolean isIntegral() {
        return integral;
    }

    /** Smallest representable value. */
    public double min() {
        return min;
    }

    /** Largest representable value. */
    public double max() {
        return max;
    }

    /** Lower-case name as printed by {@code medseg info}, e.g. {@code int16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The data type with this NIfTI code, or null if MedSeg does not support it. */
    public static ImageDataType fromNiftiCode(int code) {
        for (ImageDataType t : values()) {
            if (t.niftiCode == code) {
                return t;
            }
        }
        return null;
    }

    /** The type used in memory for data stored as this type (RGB24 is held as UINT8 channels). */
    public ImageDataType memoryType() {
        return this == RGB24 ? UINT8 : this;
    }

    /** A zero-filled array image of this type (RGB24 gives UINT8). */
    public Img<? extends RealType<?>> createImg(long... dims) {
        switch (memoryType()) {
            case UINT8: return ArrayImgs.unsignedBytes(dims);
            case INT8: return ArrayImgs.bytes(dims);
            case INT16: return ArrayImgs.shorts(dims);
            case UINT16: return ArrayImgs.unsignedShorts(dims);
            case INT32: return ArrayImgs.ints(dims);
            case UINT32: return ArrayImgs.unsignedInts(dims);
            case INT64: return ArrayImgs.longs(dims);
            case FLOAT32: return ArrayImgs.floats(dims);
            case FLOAT64: return ArrayImgs.doubles(dims);
            default: throw new IllegalStateException("no memory type for " + this);
        }
    }

    /** The data type of an imglib2 pixel type, by its class. */
    public static ImageDataType of(RealType<?> type) {
        String n = type.getClass().getSimpleName();
        switch (n) {
            case "UnsignedByteType": return UINT8;
            case "ByteType": return INT8;
            case "ShortType": return INT16;
            case "UnsignedShortType": return UINT16;
            case "IntType": return INT32;
            case "UnsignedIntType": return UINT32;
            case "LongType": return INT64;
            case "FloatType": return FLOAT32;
            case "DoubleType": return FLOAT64;
            default: throw new IllegalArgumentException("unsupported pixel type " + n);
        }
    }
}
