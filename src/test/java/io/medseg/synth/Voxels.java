package io.medseg.synth;

import io.medseg.image.Volume;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Test helper: a volume's first channel as a flat array in imglib2 order (first axis fastest). */
final class Voxels {
    private Voxels() {
    }

    static int[] of(Volume v) {
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.channel(0)).cursor();
        int n = 1;
        for (long s : v.shape()) {
            n *= (int) s;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            double x = c.next().getRealDouble();
            if (x != Math.rint(x)) {
                throw new AssertionError("phantom values must be integral, found " + x);
            }
            a[i] = (int) x;
        }
        return a;
    }
}
