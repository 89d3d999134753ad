package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.real.FloatType;

class CropTest {
    private static final long[] SHAPE = { 12, 10, 8 };

    private static int idx(int i, int j, int k) {
        return (k * 10 + j) * 12 + i;
    }

    @Test
    void boxCoversVoxelsNonZeroInAnyChannel() {
        int n = 12 * 10 * 8;
        float[] data = new float[2 * n];
        data[idx(3, 4, 2)] = 1;
        data[n + idx(7, 2, 5)] = -2; // second channel, negative counts as non-zero
        boolean[] mask = NonzeroCrop.nonzeroMask(data, 2, SHAPE);
        CropBox box = NonzeroCrop.boundingBox(mask, SHAPE);
        assertArrayEquals(new long[] { 3, 2, 2 }, box.start());
        assertArrayEquals(new long[] { 8, 5, 6 }, box.end());
        float[] cropped = NonzeroCrop.crop(data, 2, SHAPE, box);
        long[] s = box.shape();
        int m = (int) (s[0] * s[1] * s[2]);
        assertEquals(2 * m, cropped.length);
        assertEquals(1f, cropped[(0 * (int) s[1] + 2) * (int) s[0] + 0]);
        assertEquals(-2f, cropped[m + (3 * (int) s[1] + 0) * (int) s[0] + 4]);
        assertEquals(CropBox.whole(SHAPE), NonzeroCrop.boundingBox(new boolean[n], SHAPE));
    }

    @Test
    void enclosedZerosBelongToTheMaskAndOnlyOutsideBackgroundIsMarked() {
        int n = 12 * 10 * 8;
        float[] data = new float[n];
        // a hollow box: shell non-zero, interior zero (like exact 0 HU inside a body)
        for (int k = 1; k <= 6; k++) {
            for (int j = 1; j <= 8; j++) {
                for (int i = 1; i <= 10; i++) {
                    boolean shell = k == 1 || k == 6 || j == 1 || j == 8 || i == 1 || i == 10;
                    data[idx(i, j, k)] = shell ? 100 : 0;
                }
            }
        }
        boolean[] mask = NonzeroCrop.nonzeroMask(data, 1, SHAPE);
        assertTrue(mask[idx(5, 5, 3)], "interior hole filled");
        assertFalse(mask[idx(0, 0, 0)]);
        CropBox box = NonzeroCrop.boundingBox(mask, SHAPE);
        assertArrayEquals(new long[] { 1, 1, 1 }, box.start());
        // open the shell at one corner of a face: the interior now reaches the border and is not a hole
        data[idx(1, 4, 3)] = 0;
        data[idx(0, 4, 3)] = 0;
        boolean[] open = NonzeroCrop.nonzeroMask(data, 1, SHAPE);
        assertFalse(open[idx(5, 5, 3)]);

        short[] labels = new short[n];
        labels[idx(5, 5, 3)] = 2; // foreground outside the (open) mask keeps its label
        short[] croppedLabels = NonzeroCrop.crop(labels, SHAPE, box);
        boolean[] croppedMask = NonzeroCrop.crop(open, SHAPE, box);
        NonzeroCrop.markOutside(croppedLabels, croppedMask);
        long[] s = box.shape();
        assertEquals(2, croppedLabels[((3 - 1) * (int) s[1] + 4) * (int) s[0] + 4]);
        assertEquals(-1, croppedLabels[((3 - 1) * (int) s[1] + 4) * (int) s[0] + 5]);
        assertEquals(0, croppedLabels[0]); // shell voxel: in the mask, background
    }

    @Test
    void croppedVolumeKeepsEveryVoxelsWorldPosition() {
        float[] px = new float[12 * 10];
        for (int v = 0; v < px.length; v++) {
            px[v] = v;
        }
        double[][] dir = { { 0, 1, 0 }, { -1, 0, 0 }, { 0, 0, 1 } };
        Geometry g = Geometry.of(new double[] { 0.7, 1.3 }, new double[] { 5, 6, 7 }, dir);
        Volume v = Volume.of(ArrayImgs.floats(px, 12, 10, 1), g);
        CropBox box = new CropBox(new long[] { 2, 3 }, new long[] { 9, 10 });
        Volume c = NonzeroCrop.crop(v, box);
        assertArrayEquals(new long[] { 7, 7 }, c.shape());
        assertArrayEquals(g.toWorld(2 + 4, 3 + 5), c.geometry().toWorld(4, 5), 1e-12);
        @SuppressWarnings("unchecked")
        RandomAccess<FloatType> ra = (RandomAccess<FloatType>) c.pixels().randomAccess();
        ra.setPosition(new long[] { 4, 5, 0 });
        assertEquals((3 + 5) * 12 + 2 + 4, ra.get().get());
    }
}
