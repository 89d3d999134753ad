package io.medseg.io.torch;

import java.nio.ByteBuffer;

/**
 * The element types of PyTorch storages, by the storage class name {@code torch.save} pickles ({@code torch.FloatStorage}
 * and so on), with their conversion to float. Half and bfloat16 are widened exactly.
 */
public enum TorchDType {
    FLOAT32("FloatStorage", 4),
    FLOAT16("HalfStorage", 2),
    BFLOAT16("BFloat16Storage", 2),
    FLOAT64("DoubleStorage", 8),
    INT64("LongStorage", 8),
    INT32("IntStorage", 4),
    INT16("ShortStorage", 2),
    INT8("CharStorage", 1),
    UINT8("ByteStorage", 1),
    BOOL("BoolStorage", 1);

    private final String storageClass;
    private final int bytes;

    TorchDType(String storageClass, int bytes) {
        this.storageClass = storageClass;
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** True for the types a network's weights may have. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
    }

    /** The type of a storage class name such as {@code FloatStorage}; null when PyTorch has no such storage. */
    static TorchDType ofStorageClass(String name) {
        for (TorchDType t : values()) {
            if (t.storageClass.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Element {@code index} of a little-endian buffer of this type, as float. */
    float get(ByteBuffer b, long index) {
        int at = Math.toIntExact(index * bytes);
        return switch (this) {
            case FLOAT32 -> b.getFloat(at);
            case FLOAT16 -> halfToFloat(b.getShort(at));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(at) & 0xffff) << 16);
            case FLOAT64 -> (float) b.getDouble(at);
            case INT64 -> b.getLong(at);
            case INT32 -> b.getInt(at);
            case INT16 -> b.getShort(at);
            case INT8 -> b.get(at);
            case UINT8, BOOL -> b.get(at) & 0xff;
        };
    }

    /** IEEE 754 binary16 to float, exactly (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) { // zero or subnormal: mantissa · 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
