package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.medseg.image.Geometry;
import io.medseg.preprocessing.ResamplingSettings.LabelResampling;

class ResamplerTest {

    @Test
    void newShapeFollowsNnUNetRoundingAndPreservesPhysicalExtent() {
        long[] shape = { 20, 17, 9 };
        double[] spacing = { 0.8, 1.1, 3.0 };
        double[] target = { 1.5, 0.7, 1.0 };
        long[] newShape = Resampler.targetShape(shape, spacing, target);
        assertArrayEquals(new long[] { 11, 27, 27 }, newShape); // round(10.67), round(26.71), round(27)
        double[] newSpacing = Resampler.resampledSpacing(spacing, shape, newShape);
        for (int a = 0; a < 3; a++) {
            // the grid covers the same extent exactly; the requested spacing is met within half a voxel of extent
            assertEquals(shape[a] * spacing[a], newShape[a] * newSpacing[a], 1e-9);
            assertTrue(Math.abs(newShape[a] * target[a] - shape[a] * spacing[a]) <= 0.5 * target[a] + 1e-9);
        }
    }

    @Test
    void resampledGeometryCoversTheSameBox() {
        double[][] dir = { { 0, -1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
        Geometry g = Geometry.of(new double[] { 0.8, 1.1, 3.0 }, new double[] { 10, -20, 30 }, dir);
        long[] shape = { 20, 17, 9 };
        long[] newShape = { 11, 27, 27 };
        Geometry r = Resampler.resampledGeometry(g, shape, newShape);
        assertArrayEquals(g.toWorld(-0.5, -0.5, -0.5), r.toWorld(-0.5, -0.5, -0.5), 1e-9);
        assertArrayEquals(g.toWorld(19.5, 16.5, 8.5), r.toWorld(10.5, 26.5, 26.5), 1e-9);
        assertArrayEquals(Resampler.resampledSpacing(g.spacing(), shape, newShape), r.spacing(), 1e-12);
        assertArrayEquals(g.direction()[0], r.direction()[0], 1e-12);
    }

    @Test
    void identityIsExactForEveryOrder() {
        Random rnd = new Random(1);
        float[] data = new float[2 * 7 * 5 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        long[] shape = { 7, 5, 3 };
        for (int order : new int[] { 0, 1, 3 }) {
            assertArrayEquals(data, Resampler.resample(data, 2, shape, shape, new int[] { order, order, order }));
        }
    }

    @Test
    void linearMatchesHandComputedOneDimensionalExample() {
        // down 4 → 2: samples at input coordinates 0.5 and 2.5
        float[] down = Resampler.resample(new float[] { 0, 10, 20, 40 }, 1, new long[] { 4, 1 },
                new long[] { 2, 1 }, new int[] { 1, 1 });
        assertArrayEquals(new float[] { 5, 30 }, down, 1e-6f);
        // up 2 → 4: coordinates −0.25, 0.25, 0.75, 1.25, edge values repeat beyond the ends
        float[] up = Resampler.resample(new float[] { 0, 8 }, 1, new long[] { 2, 1 }, new long[] { 4, 1 },
                new int[] { 1, 1 });
        assertArrayEquals(new float[] { 0, 2, 6, 8 }, up, 1e-6f);
        // along the second axis the same numbers come out
        float[] col = Resampler.resample(new float[] { 0, 8 }, 1, new long[] { 1, 2 }, new long[] { 1, 4 },
                new int[] { 1, 1 });
        assertArrayEquals(new float[] { 0, 2, 6, 8 }, col, 1e-6f);
    }

    @Test
    void nearestUpAndDownByTwoIsExact() {
        float[] data = { 3, 1, 4, 1, 5 };
        float[] up = Resampler.resample(data, 1, new long[] { 5, 1 }, new long[] { 10, 1 }, new int[] { 0, 0 });
        assertArrayEquals(new float[] { 3, 3, 1, 1, 4, 4, 1, 1, 5, 5 }, up);
        assertArrayEquals(data, Resampler.resample(up, 1, new long[] { 10, 1 }, new long[] { 5, 1 },
                new int[] { 0, 0 }));
    }

    @Test
    void cubicReproducesQuadraticAndLinearReproducesRampInTheInterior() {
        int n = 40;
        int m = 57;
        float[] quad = new float[n];
        float[] ramp = new float[n];
        for (int i = 0; i < n; i++) {
            quad[i] = (float) (0.3 * i * i - 2 * i + 5);
            ramp[i] = (float) (1.5 * i - 7);
        }
        float[] cubic = Resampler.resample(quad, 1, new long[] { n, 1 }, new long[] { m, 1 }, new int[] { 3, 3 });
        float[] linear = Resampler.resample(ramp, 1, new long[] { n, 1 }, new long[] { m, 1 }, new int[] { 1, 1 });
        int checked = 0;
        for (int o = 0; o < m; o++) {
            double x = (o + 0.5) * n / m - 0.5;
            if (x >= 1 && x <= n - 3) { // all four cubic taps inside the line
                assertEquals(0.3 * x * x - 2 * x + 5, cubic[o], 2e-3 * Math.max(1, Math.abs(cubic[o])), "at " + x);
                checked++;
            }
            if (x >= 0 && x <= n - 1) {
                assertEquals(1.5 * x - 7, linear[o], 1e-4, "at " + x);
            }
        }
        assertTrue(checked >= m - 8, "checked " + checked);
        // linear interpolation of the quadratic is measurably off: the cubic check can fail
        float[] linQuad = Resampler.resample(quad, 1, new long[] { n, 1 }, new long[] { m, 1 }, new int[] { 1, 1 });
        double x = (20 + 0.5) * n / m - 0.5;
        assertTrue(Math.abs(linQuad[20] - (0.3 * x * x - 2 * x + 5)) > 0.01);
    }

    @Test
    void labelsKeepTheirSetAndSmallStructuresSurviveArgmax() {
        long[] shape = { 30, 30, 30 };
        short[] labels = new short[30 * 30 * 30];
        for (int k = 0; k < 30; k++) {
            for (int j = 0; j < 30; j++) {
                for (int i = 0; i < 30; i++) {
                    double r2 = (i - 15) * (i - 15) + (j - 15) * (j - 15) + (k - 15) * (k - 15);
                    int v = (k * 30 + j) * 30 + i;
                    labels[v] = (short) (r2 < 100 ? 1 : 0);
                    // a 2-voxel lesion on the sphere's edge: label 5 next to label 1, so interpolating the values
                    // themselves would invent labels 2..4
                    if (i >= 24 && i <= 25 && j >= 14 && j <= 15 && k >= 14 && k <= 15) {
                        labels[v] = 5;
                    }
                }
            }
        }
        Set<Short> expected = Set.of((short) 0, (short) 1, (short) 5);
        for (long[] newShape : new long[][] { { 15, 15, 15 }, { 45, 41, 37 }, { 20, 13, 30 } }) {
            short[] argmax = Resampler.resampleLabels(labels, shape, newShape, LabelResampling.LINEAR_ARGMAX, -1, 0);
            short[] nearest = Resampler.resampleLabels(labels, shape, newShape, LabelResampling.NEAREST, -1, 0);
            assertEquals(expected, values(argmax), "argmax to " + java.util.Arrays.toString(newShape));
            assertEquals(expected, values(nearest), "nearest to " + java.util.Arrays.toString(newShape));
        }
        // the lesion's volume is kept when halving the resolution: 8 voxels become one
        short[] half = Resampler.resampleLabels(labels, shape, new long[] { 15, 15, 15 },
                LabelResampling.LINEAR_ARGMAX, -1, 0);
        int lesion = 0;
        for (short v : half) {
            lesion += v == 5 ? 1 : 0;
        }
        assertEquals(1, lesion);
    }

    @Test
    void anisotropicDataUseNearestOutOfPlane() {
        double[] spacing = { 1, 1, 5 };
        double[] target = { 1, 1, 2.5 };
        assertEquals(2, Resampler.outOfPlaneAxis(spacing, target, 3));
        assertEquals(-1, Resampler.outOfPlaneAxis(spacing, target, 10));
        assertEquals(-1, Resampler.outOfPlaneAxis(new double[] { 5, 1, 5 }, new double[] { 5, 1, 5 }, 3));
        // isotropic source, anisotropic target: the target decides (nnU-Net checks the source, then the target)
        assertEquals(0, Resampler.outOfPlaneAxis(new double[] { 1, 1, 1 }, new double[] { 4, 1, 1 }, 3));
        // an anisotropic source without a single coarse axis decides "none", whatever the target
        assertEquals(-1, Resampler.outOfPlaneAxis(new double[] { 5, 5, 1 }, new double[] { 1, 1, 4 }, 3));
        assertEquals(-1, Resampler.outOfPlaneAxis(new double[] { 1, 5 }, new double[] { 1, 1 }, 3));
        long[] shape = { 6, 6, 6 };
        float[] data = new float[216];
        for (int v = 0; v < data.length; v++) {
            data[v] = 10f * (v / 36) + (v % 6); // slice value plus an in-plane ramp along i
        }
        long[] newShape = Resampler.targetShape(shape, spacing, target);
        int[] orders = Resampler.axisOrders(3, 3, Resampler.outOfPlaneAxis(spacing, target, 3), 0);
        assertArrayEquals(new int[] { 3, 3, 0 }, orders);
        float[] r = Resampler.resample(data, 1, shape, newShape, orders);
        Set<Float> sliceValues = new TreeSet<>();
        for (int v = 0; v < r.length; v += 36) {
            sliceValues.add(r[v]);
        }
        assertEquals(Set.of(0f, 10f, 20f, 30f, 40f, 50f), sliceValues); // no blends between slices
        float[] iso = Resampler.resample(data, 1, shape, newShape, new int[] { 3, 3, 3 });
        assertTrue(Math.abs(iso[36] % 10) > 0.1, "cubic along k blends slices, the check above can fail");
    }

    @Test
    void volumesResampleWithTheirGeometry() {
        io.medseg.synth.SyntheticCase c = io.medseg.synth.PhantomGenerator.generate(new int[] { 20, 18, 16 }, 4, 0);
        double[] target = { 1.2, 1.2, 1.2 };
        io.medseg.image.Volume img = Resampler.resampleImage(c.image(), target, ResamplingSettings.NNUNET);
        long[] expected = Resampler.targetShape(c.image().shape(), c.image().geometry().spacing(), target);
        assertArrayEquals(expected, img.shape());
        assertEquals(Resampler.resampledGeometry(c.image().geometry(), c.image().shape(), expected), img.geometry());
        io.medseg.image.Volume lab = Resampler.resampleLabel(c.label(), expected, ResamplingSettings.NNUNET);
        assertEquals(img.geometry(), lab.geometry());
        Set<Short> labels = new TreeSet<>();
        net.imglib2.Cursor<? extends net.imglib2.type.numeric.RealType<?>> cur =
                net.imglib2.view.Views.flatIterable(lab.pixels()).cursor();
        while (cur.hasNext()) {
            labels.add((short) cur.next().getRealDouble());
        }
        assertTrue(Set.of((short) 0, (short) 1, (short) 2).containsAll(labels) && labels.contains((short) 1), "" + labels);
    }

    private static Set<Short> values(short[] a) {
        Set<Short> s = new TreeSet<>();
        for (short v : a) {
            s.add(v);
        }
        return s;
    }
}
