package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Slices of flat volumes against a loop over the volume's (i, j, k) coordinates. */
class SlicesTest {
    private static final long[] SHAPE = { 4, 3, 5 };
    private static final int N = 60;

    @Test
    void slicesHoldTheVoxelsOfTheirPlaneInAxisOrder() {
        int channels = 2;
        float[] data = new float[channels * N];
        for (int v = 0; v < data.length; v++) {
            data[v] = v;
        }
        for (int axis = 0; axis < 3; axis++) {
            long[] plane = Slices.without(SHAPE, axis);
            for (int index = 0; index < SHAPE[axis]; index++) {
                float[] slice = Slices.extract(data, channels, SHAPE, axis, index);
                assertEquals(channels * plane[0] * plane[1], slice.length);
                float[] back = new float[data.length];
                Slices.insert(slice, channels, SHAPE, axis, index, back);
                for (int c = 0; c < channels; c++) {
                    for (int k = 0; k < 5; k++) {
                        for (int j = 0; j < 3; j++) {
                            for (int i = 0; i < 4; i++) {
                                int[] p = { i, j, k };
                                int volume = c * N + i + 4 * (j + 3 * k);
                                if (p[axis] != index) {
                                    assertEquals(0f, back[volume]);
                                    continue;
                                }
                                int u = p[axis == 0 ? 1 : 0];
                                int w = p[axis == 2 ? 1 : 2];
                                assertEquals(data[volume], slice[(int) (c * plane[0] * plane[1] + u + plane[0] * w)]);
                                assertEquals(data[volume], back[volume]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void caseSlicesCarryImageAndLabel() {
        float[] image = new float[N];
        short[] label = new short[N];
        for (int v = 0; v < N; v++) {
            image[v] = v;
            label[v] = (short) (v % 3);
        }
        PreprocessedCase c = new PreprocessedCase("c", SHAPE, image, label, null);
        PreprocessedCase s = Slices.slice(c, 1, 2);
        assertArrayEquals(new long[] { 4, 5 }, s.shape());
        assertNull(s.mapping());
        // voxel (u, v) of the slice is (u, 2, v) of the volume
        assertEquals(image[3 + 4 * (2 + 3 * 4)], s.image()[3 + 4 * 4]);
        assertEquals(label[1 + 4 * (2 + 3 * 2)], s.label()[1 + 4 * 2]);
        assertNull(Slices.slice(new PreprocessedCase("u", SHAPE, image, null, null), 0, 0).label());
    }

    @Test
    void axisHelpersInvertEachOtherAndBadSlicesAreRefused() {
        double[] spacing = { 0.8, 0.9, 5 };
        for (int axis = 0; axis < 3; axis++) {
            assertArrayEquals(spacing, Slices.with(Slices.without(spacing, axis), axis, spacing[axis]));
        }
        assertArrayEquals(new long[] { 4, 5 }, Slices.without(SHAPE, 1));
        assertThrows(IllegalArgumentException.class, () -> Slices.extract(new float[N], 1, SHAPE, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> Slices.extract(new float[8], 1, new long[] { 2, 4 }, 0, 0));
    }
}
