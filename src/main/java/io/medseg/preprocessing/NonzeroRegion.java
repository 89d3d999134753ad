package io.medseg.preprocessing;

import java.util.Arrays;

import io.medseg.image.Volume;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * nnU-Net's crop region: the bounding box of the voxels that are non-zero in any channel. Scanners pad with zeros
 * (0 outside the field of view), so cropping to it drops air-free padding without touching the anatomy.
 */
public final class NonzeroRegion {
    private NonzeroRegion() {
    }

    /** The bounding box over all channels of all given images (same spatial shape); the whole image if all zero. */
    public static CropBox of(Volume... channels) {
        long[] shape = channels[0].shape();
        int dims = shape.length;
        long[] min = new long[dims];
        long[] max = new long[dims];
        Arrays.fill(min, Long.MAX_VALUE);
        Arrays.fill(max, -1);
        long[] pos = new long[dims];
        for (Volume v : channels) {
            if (!Arrays.equals(v.shape(), shape)) {
                throw new IllegalArgumentException("channels differ in shape: " + Arrays.toString(shape) + " vs "
                        + Arrays.toString(v.shape()));
            }
            for (int c = 0; c < v.channels(); c++) {
                RandomAccessibleInterval<? extends RealType<?>> ch = v.channel(c);
                Cursor<? extends RealType<?>> cur = Views.flatIterable(ch).localizingCursor();
                while (cur.hasNext()) {
                    if (cur.next().getRealDouble() != 0) {
                        cur.localize(pos);
                        for (int a = 0; a < dims; a++) {
                            min[a] = Math.min(min[a], pos[a]);
                            max[a] = Math.max(max[a], pos[a]);
                        }
                    }
                }
            }
        }
        if (max[0] < 0) {
            return CropBox.whole(shape);
        }
        long[] end = new long[dims];
        for (int a = 0; a < dims; a++) {
            end[a] = max[a] + 1;
        }
        return new CropBox(min, end);
    }
}
