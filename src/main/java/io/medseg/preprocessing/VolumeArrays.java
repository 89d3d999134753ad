package io.medseg.preprocessing;

import java.util.Arrays;

import io.medseg.MedSegException;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Moves pixels between imglib2 volumes and the flat arrays preprocessing works on. Flat iteration order of an
 * (i, j[, k], channel) interval is exactly the {@link PreprocessedCase} layout, so one cursor pass suffices.
 */
final class VolumeArrays {

    private VolumeArrays() {
    }

    /** The spatial shape with a channel axis appended, for {@code ArrayImgs}. */
    static long[] withChannels(long[] shape, int channels) {
        long[] d = Arrays.copyOf(shape, shape.length + 1);
        d[shape.length] = channels;
        return d;
    }

    /** All channels as floats, channels × voxels. */
    static float[] toFloats(RandomAccessibleInterval<? extends RealType<?>> pixels) {
        long n = 1;
        for (int d = 0; d < pixels.numDimensions(); d++) {
            n *= pixels.dimension(d);
        }
        float[] out = new float[Math.toIntExact(n)];
        copyFloats(pixels, out, 0);
        return out;
    }

    /** Copies pixels in flat iteration order (first axis fastest, channel last) into {@code out} from {@code at}. */
    static int copyFloats(RandomAccessibleInterval<? extends RealType<?>> pixels, float[] out, int at) {
        Cursor<? extends RealType<?>> c = Views.flatIterable(pixels).cursor();
        int i = at;
        while (c.hasNext()) {
            out[i++] = c.next().getRealFloat();
        }
        return i;
    }

    static short[] toShorts(RandomAccessibleInterval<? extends RealType<?>> pixels, int n) {
        if (pixels.dimension(pixels.numDimensions() - 1) != 1) {
            throw new MedSegException("label map must have one channel, has " + pixels.dimension(pixels.numDimensions() - 1));
        }
        short[] out = new short[n];
        Cursor<? extends RealType<?>> c = Views.flatIterable(pixels).cursor();
        for (int i = 0; i < n; i++) {
            double v = c.next().getRealDouble();
            if (v != Math.rint(v) || v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                throw new MedSegException("label map holds " + v + ", expected whole label values");
            }
            out[i] = (short) v;
        }
        return out;
    }
}
