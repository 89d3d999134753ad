package io.medseg.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.engine.EngineTest;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.postprocessing.ConnectedComponents;
import io.medseg.postprocessing.Postprocessing;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;
import net.imglib2.RandomAccess;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;
import net.imglib2.type.numeric.RealType;

class CasePredictorTest extends EngineTest {
    private static final long[] PATCH = { 32, 16 };

    @TempDir
    Path dir;

    @Test
    void labelsAndProbabilitiesLandOnTheOriginalGrid() throws java.io.IOException {
        // the plan's 1 mm target spacing differs from the image's 0.8 x 1.25 mm: prediction runs on a resampled grid
        Path model = TestModels.save(dir.resolve("m.medseg"), manager, 1, PATCH, new double[] { 1, 1 }, true);
        Volume image = TestModels.image(new long[] { 45, 30 }, TestModels.geometry2d(), 1);
        MedSegException e = assertThrows(MedSegException.class, () -> CasePredictor.modelFile(dir));
        assertTrue(e.getMessage().endsWith("holds no model.medseg (expected a model file or a training output folder)"),
                e.getMessage());
        try (CasePredictor p = CasePredictor.open(model, Device.cpu(), SlidingWindowSettings.defaults())) {
            CasePrediction r = p.predict("c1", List.of(image), true);
            Volume labels = r.labels();
            assertArrayEquals(image.shape(), labels.shape());
            assertEquals(1, labels.channels());
            assertEquals(image.geometry(), labels.geometry());
            assertEquals(ImageDataType.UINT8, labels.storedType());
            Volume probs = r.probabilities();
            assertArrayEquals(image.shape(), probs.shape());
            assertEquals(3, probs.channels());
            assertEquals(image.geometry(), probs.geometry());
            RandomAccess<? extends RealType<?>> l = labels.pixels().randomAccess();
            RandomAccess<? extends RealType<?>> q = probs.pixels().randomAccess();
            for (int x = 0; x < 45; x++) {
                for (int y = 0; y < 30; y++) {
                    double sum = 0;
                    int best = 0;
                    double bestP = -1;
                    for (int c = 0; c < 3; c++) {
                        double v = q.setPositionAndGet(x, y, c).getRealDouble();
                        sum += v;
                        if (v > bestP) {
                            bestP = v;
                            best = c;
                        }
                    }
                    assertEquals(1, sum, 1e-4);
                    assertEquals(best, (int) l.setPositionAndGet(x, y, 0).getRealDouble());
                }
            }
            assertTrue(r.tiles() >= 2);
            assertNull(p.predict("c1", List.of(image), false).probabilities());
        }
        java.nio.file.Files.copy(model, dir.resolve("model.medseg"));
        assertEquals(dir.resolve("model.medseg"), CasePredictor.modelFile(dir));
    }

    @Test
    void theModelsPostprocessingIsAppliedUnlessSwitchedOff() {
        Path model = TestModels.save(dir.resolve("m.medseg"), manager, 1, PATCH, new double[] { 1, 1 }, true);
        Postprocessing pp = new Postprocessing(true, List.of(2));
        ModelFile.replaceMetadata(model, ModelFile.readHeader(model).metadata().withPostprocessing(pp));
        Volume image = TestModels.image(new long[] { 45, 30 }, TestModels.geometry2d(), 4);
        short[] raw;
        short[] processed;
        try (CasePredictor p = CasePredictor.open(model, Device.cpu(), SlidingWindowSettings.defaults(), false)) {
            assertTrue(p.postprocessing().isNone());
            raw = values(p.predict("c", List.of(image), false).labels());
        }
        try (CasePredictor p = CasePredictor.open(model, Device.cpu(), SlidingWindowSettings.defaults())) {
            assertEquals(pp, p.postprocessing());
            processed = values(p.predict("c", List.of(image), false).labels());
        }
        int[] shape = { 45, 30 };
        assertArrayEquals(pp.apply(raw, shape, (short) 0), processed);
        // the untrained network's argmax is fragmented, so the postprocessing had something to remove
        assertTrue(ConnectedComponents.of(mask(processed, 0), shape).count() < ConnectedComponents.of(mask(raw, 0),
                shape).count());
        boolean[] lesion = mask(processed, 2);
        assertArrayEquals(lesion, ConnectedComponents.of(lesion, shape).largest());
    }

    private static short[] values(Volume labels) {
        short[] v = new short[Math.toIntExact(labels.shape()[0] * labels.shape()[1])];
        int i = 0;
        for (RealType<?> t : net.imglib2.view.Views.flatIterable(labels.channel(0))) {
            v[i++] = (short) t.getRealDouble();
        }
        return v;
    }

    /** The voxels of {@code label}, or of any foreground label for 0. */
    private static boolean[] mask(short[] labels, int label) {
        boolean[] m = new boolean[labels.length];
        for (int v = 0; v < m.length; v++) {
            m[v] = label == 0 ? labels[v] != 0 : labels[v] == label;
        }
        return m;
    }

    @Test
    void preprocessedCasesArePredictedOnTheirOwnGrid() {
        Block net = TestModels.network(manager, 1, PATCH);
        PreprocessingPlan plan = TestModels.plan(1, PATCH, new double[] { 1, 1 });
        ModelMetadata meta = new ModelMetadata(Map.of("bg", 0, "a", 1, "b", 5), plan.channelNames(), PATCH, Map.of(),
                Map.of(), Map.of(), plan);
        CasePredictor p = new CasePredictor(net, TestModels.config(1, PATCH), meta, SlidingWindowSettings.defaults());
        PreprocessedCase pre = Preprocessor.preprocess("c", List.of(TestModels.image(new long[] { 45, 30 },
                TestModels.geometry2d(), 2)), null, plan);
        float[] prob = p.probabilities(pre.image(), pre.shape(), TileProgress.NONE, () -> false);
        assertEquals(3 * pre.voxels(), prob.length);
        short[] seg = p.segmentation(prob);
        short[] classes = ClassArgmax.of(prob, 3);
        short[] values = { 0, 1, 5 }; // class k is the k-th smallest label value
        for (int v = 0; v < seg.length; v++) {
            assertEquals(values[classes[v]], seg[v]);
        }
        MedSegException e = assertThrows(MedSegException.class, () -> new CasePredictor(net,
                TestModels.config(1, PATCH), new ModelMetadata(Map.of("bg", 0, "a", 1), Map.of(), PATCH, Map.of(),
                        Map.of(), Map.of(), plan), SlidingWindowSettings.defaults()));
        assertTrue(e.getMessage().contains("predicts 3 classes"), e.getMessage());
    }

    @Test
    void outsideTheCroppedRegionIsCertainBackground() {
        Block net = TestModels.network(manager, 1, PATCH);
        PreprocessingPlan p0 = TestModels.plan(1, PATCH, new double[] { 0.8, 1.25 });
        PreprocessingPlan plan = new PreprocessingPlan(p0.dims(), p0.channelNames(), p0.labels(), p0.targetSpacing(),
                true, p0.normalization(), p0.resampling(), p0.patchSize(), p0.batchSize(), p0.network(),
                p0.memoryBudgetBytes());
        ModelMetadata meta = new ModelMetadata(TestModels.LABELS, plan.channelNames(), PATCH, Map.of(), Map.of(),
                Map.of(), plan);
        CasePredictor p = new CasePredictor(net, TestModels.config(1, PATCH), meta, SlidingWindowSettings.defaults());
        Volume image = TestModels.image(new long[] { 50, 40 }, TestModels.geometry2d(), 3);
        RandomAccess<? extends RealType<?>> a = image.pixels().randomAccess();
        for (int x = 0; x < 50; x++) {
            for (int y = 0; y < 40; y++) {
                if (x < 5 || y >= 33) {
                    a.setPositionAndGet(x, y, 0).setReal(0); // a zero border: cropped away by the plan
                }
            }
        }
        CasePrediction r = p.predict("c", List.of(image), true);
        RandomAccess<? extends RealType<?>> q = r.probabilities().pixels().randomAccess();
        RandomAccess<? extends RealType<?>> l = r.labels().pixels().randomAccess();
        for (int x = 0; x < 50; x++) {
            assertEquals(1.0, q.setPositionAndGet(x, 35, 0).getRealDouble());
            assertEquals(0.0, q.setPositionAndGet(x, 35, 1).getRealDouble());
            assertEquals(0, l.setPositionAndGet(x, 39, 0).getRealDouble());
        }
        assertEquals(1.0, q.setPositionAndGet(2, 10, 0).getRealDouble());
    }

    @Test
    void refusesBareNetworksAndMismatchedImages() {
        Path bare = TestModels.save(dir.resolve("bare.medseg"), manager, 1, PATCH, null, false);
        MedSegException e = assertThrows(MedSegException.class,
                () -> CasePredictor.open(bare, Device.cpu(), SlidingWindowSettings.defaults()));
        assertTrue(e.getMessage().startsWith(bare + ": has no preprocessing plan"), e.getMessage());

        Path two = TestModels.save(dir.resolve("two.medseg"), manager, 2, PATCH, new double[] { 1, 1 }, true);
        try (CasePredictor p = CasePredictor.open(two, Device.cpu(), SlidingWindowSettings.defaults())) {
            Volume img = TestModels.image(new long[] { 40, 20 }, Geometry.identity(2), 1);
            e = assertThrows(MedSegException.class, () -> p.predict("c7", List.of(img), false));
            assertTrue(e.getMessage().startsWith("case c7: 1 input channel(s), but the model takes 2 [CT, PET]"),
                    e.getMessage());
            Volume vol = TestModels.image(new long[] { 40, 20, 8 }, Geometry.identity(3), 1);
            e = assertThrows(MedSegException.class, () -> p.predict("c8", List.of(vol, vol), false));
            assertTrue(e.getMessage().startsWith("case c8: the image is 3D"), e.getMessage());
            Volume other = TestModels.image(new long[] { 40, 21 }, Geometry.identity(2), 1);
            e = assertThrows(MedSegException.class, () -> p.predict("c9", List.of(img, other), false));
            assertTrue(e.getMessage().startsWith("case c9: channel 1 has shape"), e.getMessage());
        }
    }

    /** The same network as a model of 2D images and as a model of slices across {@code sliceAxis} (no normalisation). */
    private static CasePredictor predictor(Block net, Integer sliceAxis) {
        PreprocessingPlan p0 = TestModels.plan(1, PATCH, new double[] { 1, 1 });
        PreprocessingPlan plan = new PreprocessingPlan(2, p0.channelNames(), p0.labels(), p0.targetSpacing(), false,
                List.of(io.medseg.preprocessing.ChannelNormalization.none()), p0.resampling(), PATCH, 2,
                p0.network(), p0.memoryBudgetBytes(), sliceAxis);
        return new CasePredictor(net, TestModels.config(1, PATCH), new ModelMetadata(TestModels.LABELS,
                plan.channelNames(), PATCH, Map.of(), Map.of(), Map.of(), plan), SlidingWindowSettings.defaults());
    }

    private static Volume plane(Volume v, int axis, long index, Geometry g) {
        return Volume.of(Views.hyperSlice(v.pixels(), axis, index), g);
    }

    @Test
    void aModelOfSlicesPredictsVolumesSliceBySlice() {
        Block net = TestModels.network(manager, 1, PATCH);
        CasePredictor slices = predictor(net, 0);
        CasePredictor images = predictor(net, null);
        // three slices across axis 0, each a (j, k) image of 0.8 x 1.25 mm resampled to the plan's 1 mm
        Geometry g = Geometry.of(new double[] { 2, 0.8, 1.25 }, new double[] { 5, -3, 7 }, null);
        Volume volume = TestModels.image(new long[] { 3, 40, 20 }, g, 4);
        CasePrediction r = slices.predict("v", List.of(volume), true);
        assertArrayEquals(volume.shape(), r.labels().shape());
        assertEquals(g, r.labels().geometry());
        RandomAccess<? extends RealType<?>> q = r.probabilities().pixels().randomAccess();
        RandomAccess<? extends RealType<?>> l = r.labels().pixels().randomAccess();
        Geometry inPlane = Geometry.of(new double[] { 0.8, 1.25 }, new double[] { 0, 0, 0 }, null);
        int tiles = 0;
        for (int s = 0; s < 3; s++) {
            // reference: the slice predicted as a 2D image by the model of 2D images
            CasePrediction ref = images.predict("s", List.of(plane(volume, 0, s, inPlane)), true);
            tiles += ref.tiles();
            RandomAccess<? extends RealType<?>> rq = ref.probabilities().pixels().randomAccess();
            RandomAccess<? extends RealType<?>> rl = ref.labels().pixels().randomAccess();
            for (int j = 0; j < 40; j++) {
                for (int k = 0; k < 20; k++) {
                    for (int c = 0; c < 3; c++) {
                        assertEquals(rq.setPositionAndGet(j, k, c).getRealDouble(),
                                q.setPositionAndGet(s, j, k, c).getRealDouble(), 1e-5);
                    }
                    assertEquals(rl.setPositionAndGet(j, k, 0).getRealDouble(),
                            l.setPositionAndGet(s, j, k, 0).getRealDouble());
                }
            }
        }
        assertEquals(tiles, r.tiles());
        // a 2D image is one slice to a model of slices, as nnU-Net's 2d configuration reads it: here slice 0
        Volume flat = plane(volume, 0, 0, inPlane);
        CasePrediction f = slices.predict("f", List.of(flat), true);
        assertArrayEquals(new long[] { 40, 20 }, f.labels().shape());
        RandomAccess<? extends RealType<?>> fq = f.probabilities().pixels().randomAccess();
        for (int j = 0; j < 40; j++) {
            for (int k = 0; k < 20; k++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(q.setPositionAndGet(0, j, k, c).getRealDouble(),
                            fq.setPositionAndGet(j, k, c).getRealDouble(), 1e-6);
                }
            }
        }
        MedSegException e = assertThrows(MedSegException.class, () -> images.predict("w", List.of(volume), false));
        assertEquals("case w: the image is 3D [3, 40, 20] but the model is 2D", e.getMessage());
    }

    @Test
    void aOneSliceVolumeIsPredictedAsItsImageAndKeepsItsShapeAndHeader() {
        Block net = TestModels.network(manager, 1, PATCH);
        CasePredictor images = predictor(net, null);
        Geometry g = Geometry.of(new double[] { 0.8, 1.25, 3 }, new double[] { 5, -3, 7 }, null);
        io.medseg.image.SourceHeader header = () -> "nifti1";
        Volume twoD = TestModels.image(new long[] { 40, 20 }, Geometry.of(new double[] { 0.8, 1.25 },
                new double[] { 5, -3, 7 }, null), 6);
        Volume oneSlice = new Volume(ArrayImgs.floats(floatValues(twoD), 40, 20, 1, 1), g,
                ImageDataType.INT16, null, header);
        CasePrediction r = images.predict("o", List.of(oneSlice), true);
        CasePrediction ref = images.predict("t", List.of(twoD), true);
        for (Volume out : new Volume[] { r.labels(), r.probabilities() }) {
            assertArrayEquals(new long[] { 40, 20, 1 }, out.shape());
            assertEquals(g, out.geometry());
            assertEquals(header, out.sourceHeader().orElseThrow());
        }
        assertEquals(ImageDataType.UINT8, r.labels().storedType());
        assertArrayEquals(floatValues(ref.probabilities()), floatValues(r.probabilities()), 1e-6f);
        assertArrayEquals(floatValues(ref.labels()), floatValues(r.labels()));
    }

    /** A volume's values in flat order. */
    private static float[] floatValues(Volume v) {
        float[] a = new float[(int) Intervals.numElements(v.pixels())];
        int i = 0;
        for (RealType<?> t : Views.flatIterable(v.pixels())) {
            a[i++] = t.getRealFloat();
        }
        return a;
    }
}
