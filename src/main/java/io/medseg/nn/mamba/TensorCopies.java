package io.medseg.nn.mamba;

import java.nio.FloatBuffer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.medseg.nn.checkpoint.CheckpointTape;

/**
 * The tensor side of the CPU kernels (the scan, the causal convolution, the token max-pool): when a kernel with its own
 * gradients takes its arrays, and copies between FLOAT32 CPU tensors and Java float arrays, one copy each way (DJL's
 * {@code toFloatArray} copies twice, through a fresh byte array, and {@code create(float[])} fills a zero-filled
 * direct buffer first).
 */
final class TensorCopies {
    private TensorCopies() {
    }

    /** Whether the kernels can take these arrays: all on the CPU and FLOAT32. */
    static boolean onCpuInFloat(NDArray... arrays) {
        for (NDArray x : arrays) {
            if (x.getDataType() != DataType.FLOAT32 || !Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a CPU kernel with its own gradients takes these arrays now: FLOAT32 on the CPU, in inference or inside a
     * checkpointed segment of a recording tape ({@link CheckpointTape#isRecordingInSegment}: on the network's own
     * tape each of its gradient pushes would run back through every earlier layer).
     */
    static boolean kernelTakes(NDArray... arrays) {
        return onCpuInFloat(arrays) && (!JniUtils.isGradMode() || CheckpointTape.isRecordingInSegment());
    }

    /** The array's values in row-major order, in a new array. */
    static float[] read(NDArray x) {
        return read(x, new float[Math.toIntExact(x.getShape().size())]);
    }

    /**
     * The array's values in row-major order, in this thread's kept array {@code slot} (longer than the values when an
     * earlier call was larger).
     */
    static float[] read(NDArray x, FloatSlots arrays, int slot) {
        return read(x, arrays.take(slot, Math.toIntExact(x.getShape().size())));
    }

    /** Copies the values into the start of v, once, from a view of the tensor's memory (a contiguous copy if strided). */
    static float[] read(NDArray x, float[] v) {
        x.toByteBuffer(true).asFloatBuffer().get(v, 0, Math.toIntExact(x.getShape().size()));
        return v;
    }

    /**
     * A new FLOAT32 array on {@code like}'s manager (so registered in the current scope) holding the first
     * {@code shape.size()} values of v: an uninitialised tensor filled through a view of its memory.
     */
    static NDArray write(NDArray like, float[] v, Shape shape) {
        int size = Math.toIntExact(shape.size());
        NDArray out = like.getManager().create(shape, DataType.FLOAT32);
        if (!Device.Type.CPU.equals(out.getDevice().getDeviceType())) { // a manager on another device: copy over
            out.close();
            return like.getManager().create(FloatBuffer.wrap(v, 0, size), shape);
        }
        out.toByteBuffer(true).asFloatBuffer().put(v, 0, size);
        return out;
    }

    /**
     * Tokens [from, to) of every batch element of the (B, L, E) row-major values v, as a new (B, to − from, E) FLOAT32
     * array on {@code like}'s manager (CPU).
     */
    static NDArray writeTokens(NDArray like, float[] v, int batch, int length, int channels, int from, int to) {
        NDArray out = like.getManager().create(new Shape(batch, to - from, channels), DataType.FLOAT32);
        FloatBuffer target = out.toByteBuffer(true).asFloatBuffer();
        for (int b = 0; b < batch; b++) {
            target.put(v, (b * length + from) * channels, (to - from) * channels);
        }
        return out;
    }

    /** The inverse of {@link #writeTokens}: a (B, to − from, E) array's values into tokens [from, to) of v. */
    static void readTokens(NDArray part, float[] v, int length, int channels, int from) {
        Shape s = part.getShape();
        int tokens = (int) s.get(1);
        FloatBuffer source = part.toByteBuffer(true).asFloatBuffer();
        for (int b = 0; b < (int) s.get(0); b++) {
            source.get(v, (b * length + from) * channels, tokens * channels);
        }
    }
}
