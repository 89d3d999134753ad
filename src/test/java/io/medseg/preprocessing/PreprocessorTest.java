package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.preprocessing.ResamplingSettings.LabelResampling;
import io.medseg.synth.MaskedMriGenerator;
import io.medseg.synth.PhantomGenerator;
import io.medseg.synth.SyntheticCase;
import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

class PreprocessorTest {

    /** A plan as the planner would write it, with only the fields preprocessing reads filled in. */
    static PreprocessingPlan plan(int dims, double[] spacing, boolean crop, ChannelNormalization norm,
            ResamplingSettings rs) {
        return new PreprocessingPlan(dims, Map.of("0", "CT"), Map.of("background", 0, "organ", 1, "lesion", 2),
                spacing, crop, List.of(norm), rs, new long[dims], 2, null, 0);
    }

    /**
     * A phantom whose air is exactly 0, so cropping has something to remove: HU above −500 shifted to positive
     * values, everything else 0.
     */
    static Volume bodyOnly(SyntheticCase c) {
        float[] v = floats(c.image());
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] > -500 ? v[i] + 1024 : 0;
        }
        long[] dims = Arrays.copyOf(c.image().shape(), c.image().spatialDims() + 1);
        dims[dims.length - 1] = 1;
        return Volume.of(ArrayImgs.floats(v, dims), c.image().geometry());
    }

    static float[] floats(Volume v) {
        float[] out = new float[(int) Resampler.voxels(v.shape()) * v.channels()];
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.pixels()).cursor();
        for (int i = 0; i < out.length; i++) {
            out[i] = c.next().getRealFloat();
        }
        return out;
    }

    private static double agreement(Volume a, Volume b) {
        float[] x = floats(a);
        float[] y = floats(b);
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            same += x[i] == y[i] ? 1 : 0;
        }
        return (double) same / x.length;
    }

    private static double[] scaled(double[] s, double f) {
        return Arrays.stream(s).map(x -> x * f).toArray();
    }

    @Test
    void cropResampleInverseReturnsTheOriginalGrid() {
        SyntheticCase c = PhantomGenerator.generate(new int[] { 40, 36, 24 }, 7, 1);
        Volume image = bodyOnly(c);
        double[] spacing = image.geometry().spacing();
        for (double factor : new double[] { 0.5, 2.0 }) {
            PreprocessingPlan p = plan(3, scaled(spacing, factor), true, ChannelNormalization.zscore(),
                    ResamplingSettings.NNUNET);
            PreprocessedCase pc = Preprocessor.preprocess("case", List.of(image), c.label(), p);
            CaseMapping m = pc.mapping();
            long[] box = m.cropBox().shape();
            assertTrue(Resampler.voxels(box) < 0.9 * Resampler.voxels(image.shape()), "crop removed the air");
            for (int a = 0; a < 3; a++) {
                assertEquals(Math.round(box[a] / factor), pc.shape()[a]);
            }
            Volume back = Preprocessor.toOriginal(pc.label(), m, p.resampling());
            assertArrayEquals(image.shape(), back.shape());
            assertEquals(image.geometry(), back.geometry());
            double agree = agreement(c.label(), back);
            System.out.printf("label round trip at %.1fx spacing: %.4f agreement, crop %s of %s, grid %s%n", factor,
                    agree, Arrays.toString(box), Arrays.toString(image.shape()), Arrays.toString(pc.shape()));
            assertTrue(agree > (factor < 1 ? 0.98 : 0.95), "agreement " + agree);
        }
    }

    @Test
    void labelsKeepTheirSetAndOutsideIsMarked() {
        SyntheticCase c = PhantomGenerator.generate(new int[] { 32, 32, 20 }, 3, 2);
        Volume image = bodyOnly(c);
        PreprocessingPlan p = plan(3, new double[] { 1.3, 1.3, 1.9 }, true, ChannelNormalization.zscore(),
                ResamplingSettings.NNUNET);
        PreprocessedCase pc = Preprocessor.preprocess("case", List.of(image), c.label(), p);
        Set<Short> original = new TreeSet<>();
        for (float v : floats(c.label())) {
            original.add((short) v);
        }
        Set<Short> after = new TreeSet<>();
        for (short v : pc.label()) {
            after.add(v);
        }
        Set<Short> allowed = new TreeSet<>(original);
        allowed.add(NonzeroCrop.OUTSIDE);
        assertTrue(allowed.containsAll(after), after + " within " + allowed);
        assertTrue(after.containsAll(original), "no label lost: " + after);
        assertTrue(after.contains(NonzeroCrop.OUTSIDE), "air inside the box is marked");
        // the physical extent of the cropped region is kept exactly
        double[] pre = Resampler.resampledSpacing(image.geometry().spacing(), pc.mapping().cropBox().shape(),
                pc.shape());
        for (int a = 0; a < 3; a++) {
            assertEquals(pc.mapping().cropBox().shape()[a] * image.geometry().spacing()[a], pc.shape()[a] * pre[a],
                    1e-9);
            assertEquals(p.targetSpacing()[a], pre[a], 0.5 * p.targetSpacing()[a] / pc.shape()[a] + 1e-9);
        }
    }

    @Test
    void mapsReturnToTheRightWorldPositions() {
        // a linear function of world position on the preprocessed grid must come back as the same function of world
        // position on the original grid: this checks crop offsets, spacing and the half-voxel convention together
        SyntheticCase c = PhantomGenerator.generate(new int[] { 24, 20, 16 }, 5, 0);
        Volume image = bodyOnly(c);
        ResamplingSettings rs = new ResamplingSettings(1, LabelResampling.LINEAR_ARGMAX, 100, 0);
        PreprocessingPlan p = plan(3, new double[] { 0.45, 0.6, 1.1 }, true, ChannelNormalization.none(), rs);
        PreprocessedCase pc = Preprocessor.preprocess("case", List.of(image), c.label(), p);
        Geometry g = Preprocessor.preprocessedGeometry(pc.mapping());
        long[] s = pc.shape();
        float[] map = new float[(int) pc.voxels()];
        for (int k = 0, v = 0; k < s[2]; k++) {
            for (int j = 0; j < s[1]; j++) {
                for (int i = 0; i < s[0]; i++, v++) {
                    map[v] = (float) f(g.toWorld(i, j, k));
                }
            }
        }
        Volume back = Preprocessor.toOriginal(map, pc.mapping(), rs);
        assertEquals(image.geometry(), back.geometry());
        float[] values = floats(back);
        long[] start = pc.mapping().cropBox().start();
        long[] end = pc.mapping().cropBox().end();
        long[] shape = image.shape();
        int checked = 0;
        for (int k = 0, v = 0; k < shape[2]; k++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int i = 0; i < shape[0]; i++, v++) {
                    boolean inBox = i >= start[0] && i < end[0] && j >= start[1] && j < end[1] && k >= start[2]
                            && k < end[2];
                    if (!inBox) {
                        assertEquals(0f, values[v]);
                    } else if (i > start[0] && i < end[0] - 1 && j > start[1] && j < end[1] - 1 && k > start[2]
                            && k < end[2] - 1) {
                        assertEquals(f(image.geometry().toWorld(i, j, k)), values[v], 2e-3);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 100);
    }

    private static double f(double[] w) {
        return 0.3 * w[0] - 0.2 * w[1] + 0.1 * w[2];
    }

    @Test
    void twoDimensionalCasesAndCtNormalisation() {
        SyntheticCase c = PhantomGenerator.generate(new int[] { 48, 40 }, 11, 0);
        double[] spacing = c.image().geometry().spacing();
        ChannelNormalization ct = ChannelNormalization.ct(40, 50, -100, 200);
        PreprocessingPlan p = plan(2, scaled(spacing, 1.5), false, ct, ResamplingSettings.NNUNET);
        PreprocessedCase pc = Preprocessor.preprocess("flat", List.of(c.image()), c.label(), p);
        assertEquals(CropBox.whole(c.image().shape()), pc.mapping().cropBox());
        assertArrayEquals(Resampler.targetShape(c.image().shape(), spacing, scaled(spacing, 1.5)), pc.shape());
        double lo = (-100 - 40) / 50.0;
        double hi = (200 - 40) / 50.0;
        for (float v : pc.image()) {
            // cubic overshoot may leave the clipped range slightly; a missing clip would leave it by far
            assertTrue(v >= lo - 0.5 && v <= hi + 0.5, "value " + v);
        }
        Volume back = Preprocessor.toOriginal(pc.label(), pc.mapping(), p.resampling());
        assertTrue(agreement(c.label(), back) > 0.95);
    }

    /**
     * A head on an exactly-zero surround, preprocessed as training does (with its label) and as prediction does
     * (image only): the same crop box and the same normalised image, for the whole-crop z-score and the one within
     * the mask. Within the mask the surround is 0 and the head has mean 0 and standard deviation 1 (by loops); over the
     * whole crop the surround is a single value below every head voxel's, and the label marks it outside.
     */
    @Test
    void predictionPreprocessesAZeroSurroundExactlyAsTraining() {
        SyntheticCase c = MaskedMriGenerator.generate(new int[] { 48, 40 }, 2, 1);
        for (boolean useMask : new boolean[] { false, true }) {
            PreprocessingPlan p = plan(2, new double[] { 1, 1 }, true, ChannelNormalization.zscore(useMask),
                    ResamplingSettings.NNUNET);
            PreprocessedCase training = Preprocessor.preprocess("c", List.of(c.image()), c.label(), p);
            PreprocessedCase prediction = Preprocessor.preprocess("c", List.of(c.image()), null, p);
            assertEquals(training.mapping().cropBox(), prediction.mapping().cropBox());
            assertArrayEquals(training.image(), prediction.image(), 0f, "mask " + useMask);
            double sum = 0;
            double sq = 0;
            int inside = 0;
            float surround = Float.NaN;
            float lowestInside = Float.POSITIVE_INFINITY;
            for (int v = 0; v < training.image().length; v++) {
                float x = training.image()[v];
                if (training.label()[v] == NonzeroCrop.OUTSIDE) {
                    assertTrue(Float.isNaN(surround) || surround == x, "one surround value");
                    surround = x;
                } else {
                    sum += x;
                    sq += x * x;
                    inside++;
                    lowestInside = Math.min(lowestInside, x);
                }
            }
            assertTrue(inside > 100 && !Float.isNaN(surround), inside + " inside");
            if (useMask) {
                assertEquals(0f, surround);
                assertEquals(0, sum / inside, 1e-4);
                assertEquals(1, Math.sqrt(sq / inside - Math.pow(sum / inside, 2)), 1e-4);
            } else {
                assertTrue(surround < lowestInside, surround + " vs " + lowestInside);
            }
        }
    }

    @Test
    void mismatchedLabelIsAOneLineError() {
        SyntheticCase c = PhantomGenerator.generate(new int[] { 16, 16 }, 1, 0);
        SyntheticCase other = PhantomGenerator.generate(new int[] { 20, 16 }, 1, 0);
        PreprocessingPlan p = plan(2, new double[] { 1, 1 }, true, ChannelNormalization.zscore(),
                ResamplingSettings.NNUNET);
        MedSegException e = assertThrows(MedSegException.class,
                () -> Preprocessor.preprocess("x", List.of(c.image()), other.label(), p));
        assertTrue(e.getMessage().contains("label shape") && !e.getMessage().contains("\n"), e.getMessage());
    }

    /**
     * A 2D plan of volumes resamples each slice as the 2D plan of that slice would, and keeps the slice axis; a 2D
     * plan takes a one-slice volume as its 2D image.
     */
    @Test
    void slicesAreResampledInPlaneOnly() {
        long[] shape = { 9, 7, 4 };
        float[] v = new float[9 * 7 * 4];
        short[] l = new short[v.length];
        for (int q = 0; q < v.length; q++) {
            v[q] = (float) Math.sin(q * 0.37) * 100;
            l[q] = (short) (q % 5 == 0 ? 1 : 0);
        }
        Geometry g = Geometry.of(new double[] { 1, 4, 1.5 }, new double[] { 3, 2, 1 }, null);
        Volume image = Volume.of(ArrayImgs.floats(v, 9, 7, 4, 1), g);
        Volume label = Volume.of(ArrayImgs.shorts(l, 9, 7, 4, 1), g);
        ChannelNormalization none = ChannelNormalization.none();
        PreprocessingPlan base = plan(2, new double[] { 0.5, 0.75 }, false, none, ResamplingSettings.NNUNET);
        PreprocessingPlan sliced = new PreprocessingPlan(2, base.channelNames(), base.labels(), base.targetSpacing(),
                false, base.normalization(), base.resampling(), base.patchSize(), 2, null, 0, 1);
        PreprocessedCase pc = Preprocessor.preprocess("v", List.of(image), label, sliced);
        assertArrayEquals(new long[] { 18, 7, 8 }, pc.shape());
        for (int j = 0; j < 7; j++) {
            float[] sv = Slices.extract(v, 1, shape, 1, j);
            short[] sl = Slices.extract(l, shape, 1, j);
            Geometry g2 = Geometry.of(new double[] { 1, 1.5 }, new double[] { 0, 0, 0 }, null);
            PreprocessedCase ref = Preprocessor.preprocess("s", List.of(Volume.of(ArrayImgs.floats(sv, 9, 4, 1), g2)),
                    Volume.of(ArrayImgs.shorts(sl, 9, 4, 1), g2), base);
            assertArrayEquals(new long[] { 18, 8 }, ref.shape());
            assertArrayEquals(ref.image(), Slices.extract(pc.image(), 1, pc.shape(), 1, j), 1e-4f);
            assertArrayEquals(ref.label(), Slices.extract(pc.label(), pc.shape(), 1, j));
        }
        Volume back = Preprocessor.toOriginal(pc.label(), pc.mapping(), sliced.resampling());
        assertArrayEquals(shape, back.shape());
        assertEquals(g, back.geometry());

        // a one-slice volume under a plan of 2D images is its 2D image
        float[] first = Slices.extract(v, 1, shape, 1, 0);
        Volume oneSlice = Volume.of(ArrayImgs.floats(first, 9, 1, 4, 1), g);
        PreprocessedCase flat = Preprocessor.preprocess("o", List.of(oneSlice), null, base);
        assertArrayEquals(new long[] { 18, 8 }, flat.shape());
        assertArrayEquals(Slices.extract(pc.image(), 1, pc.shape(), 1, 0), flat.image(), 1e-4f);

        MedSegException e = assertThrows(MedSegException.class,
                () -> Preprocessor.preprocess("v", List.of(image), null, base));
        assertEquals("case v: the image is 3D [9, 7, 4] but the plan takes 2D images", e.getMessage());
        e = assertThrows(MedSegException.class, () -> Preprocessor.preprocess("s", List.of(Volume.of(
                ArrayImgs.floats(first, 9, 4, 1), Geometry.identity(2))), null, sliced));
        assertEquals("case s: the image is 2D [9, 4] but the plan takes 3D volumes (sliced across axis 1)",
                e.getMessage());
    }
}
