package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.io.nifti.NiftiHeader;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.synth.SyntheticDatasetWriter;
import net.imglib2.view.Views;

/** 2D networks on 3D files end to end: one-slice volumes (X x Y x 1) and slices of volumes (nnU-Net's 2d plan). */
class SliceTrainingCommandTest {
    @TempDir
    Path dir;

    /** The 2D phantom dataset rewritten as one-slice volumes with 2.5 mm slices and an aligned-space sform. */
    /** {@code ./medseg predict} of one image on the CPU; returns the label file it wrote. */
    private Volume predictTestCase(Path model, Path image) {
        Path out = dir.resolve("pred");
        CliRunner predict = CliRunner.run("predict", model.toString(), "--in", image.toString(), "--out",
                out.toString(), "--device", "cpu");
        assertEquals(0, predict.status(), predict.err());
        assertFalse(List.of(predict.err().split("\n")).stream().anyMatch(l -> l.contains("error")), predict.err());
        return ImageFiles.read(out.resolve(SyntheticDatasetWriter.caseId(4) + ".nii.gz"));
    }

    private Path oneSliceDataset() throws IOException {
        Path flat = dir.resolve("flat");
        SyntheticDatasetWriter.write(flat, 2, 5, 3, new int[] { 32, 32 }, false);
        Path ds = dir.resolve("oneslice");
        try (Stream<Path> files = Files.walk(flat)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = ds.resolve(flat.relativize(f));
                Files.createDirectories(target.getParent());
                if (!f.toString().endsWith(".nii.gz")) {
                    Files.copy(f, target);
                    continue;
                }
                Volume v = ImageFiles.read(f);
                double[][] a = v.geometry().affine();
                a[0][2] = 0;
                a[1][2] = 0;
                a[2][2] = 2.5;
                // (i, j, channel) -> (i, j, k = 0, channel)
                var pixels = Views.permute(Views.addDimension(v.pixels(), 0, 0), 2, 3);
                Volume fresh = new Volume(pixels, Geometry.ofAffine(3, a), v.storedType(), v.scaling(), null);
                ImageFiles.write(fresh, target, false);
                NiftiHeader.Builder b = ((NiftiHeader) ImageFiles.read(target).sourceHeader().orElseThrow())
                        .toBuilder();
                b.sformCode = 2;
                b.descrip = "one slice";
                ImageFiles.write(new Volume(pixels, fresh.geometry(), v.storedType(), v.scaling(), b.build()), target,
                        true);
            }
        }
        return ds;
    }

    @Test
    void oneSliceVolumesAreTrainedAsTwoDimensionalImagesAndPredictedBackIntoTheirFiles() throws IOException {
        Path ds = oneSliceDataset();
        CliRunner describe = CliRunner.run("describe", ds.toString());
        assertEquals(0, describe.status(), describe.err());
        assertTrue(describe.out().contains("dims      2 (2D images stored as one-slice volumes, one voxel along axis 2)"),
                describe.out());
        assertTrue(describe.out().contains("shape     [32, 32] .. [32, 32] voxels"), describe.out());

        CliRunner refused = CliRunner.run("train", ds.toString(), "--model", "resunet", "--dims", "3", "--out",
                dir.resolve("m3").toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("--dims 3: the dataset's images are 2D (2D files or one-slice volumes)"),
                refused.err());

        Path model = dir.resolve("m");
        CliRunner train = CliRunner.run("train", ds.toString(), "--model", "resunet", "--dims", "2", "--out",
                model.toString(), "--epochs", "1", "--iters", "2", "--val-iters", "1", "--patch", "32,32", "--batch",
                "2", "--device", "cpu");
        assertEquals(0, train.status(), train.err() + train.out());
        PreprocessingPlan plan = PlanFiles.read(model.resolve("plan.json"));
        assertEquals(2, plan.dims());
        assertNull(plan.sliceAxis()); // a plan of 2D images, like one for 2D files
        assertEquals(2, plan.targetSpacing().length);

        Path image = ds.resolve("imagesTs").resolve(SyntheticDatasetWriter.caseId(4) + "_0000.nii.gz");
        Volume input = ImageFiles.read(image);
        Volume labels = predictTestCase(model, image);
        NiftiHeader source = (NiftiHeader) input.sourceHeader().orElseThrow();
        NiftiHeader written = (NiftiHeader) labels.sourceHeader().orElseThrow();
        assertArrayEquals(new long[] { 3, 32, 32, 1, 1, 1, 1, 1 }, written.dim());
        assertArrayEquals(source.dim(), written.dim());
        assertArrayEquals(source.srowX(), written.srowX());
        assertArrayEquals(source.srowZ(), written.srowZ());
        assertEquals(2, written.sformCode());
        assertEquals(source.qformCode(), written.qformCode());
        assertEquals(source.quaternB(), written.quaternB());
        assertArrayEquals(source.pixdim(), written.pixdim());
        assertEquals("one slice", written.descrip());
        assertEquals(ImageDataType.UINT8, labels.storedType()); // a label file's type, as the training labels have
    }

    @Test
    void volumesAreTrainedOnSlicesAndPredictedSliceBySlice() {
        Path ds = dir.resolve("vol");
        SyntheticDatasetWriter.write(ds, 3, 5, 4, new int[] { 24, 24, 16 }, false);
        Path planFile = dir.resolve("plan.json");
        CliRunner plan = CliRunner.run("plan", ds.toString(), "--dims", "2", "--memory", "1G", "--out",
                planFile.toString(), "--set", "patch_size=16,16", "--set", "batch_size=2");
        assertEquals(0, plan.status(), plan.err());
        PreprocessingPlan p = PlanFiles.read(planFile);
        assertEquals(2, p.dims());
        assertNotNull(p.sliceAxis());
        assertTrue(plan.out().contains("slices      2D network on slices across axis " + p.sliceAxis()), plan.out());

        Path model = dir.resolve("m");
        CliRunner train = CliRunner.run("train", ds.toString(), "--model", "resunet", "--dims", "2", "--plan",
                planFile.toString(), "--out", model.toString(), "--epochs", "1", "--iters", "2", "--val-iters", "1",
                "--device", "cpu");
        assertEquals(0, train.status(), train.err() + train.out());
        assertTrue(train.out().contains("training residual-unet 2D, patch [16, 16]"), train.out());
        // held-out cases are predicted whole, slice by slice, and scored in 3D
        assertTrue(train.out().contains("validation label 1: mean Dice"), train.out());
        CliRunner wrongPlan = CliRunner.run("train", ds.toString(), "--model", "resunet", "--dims", "3", "--plan",
                planFile.toString(), "--out", dir.resolve("m3").toString());
        assertEquals(1, wrongPlan.status());
        assertTrue(wrongPlan.err().contains("--dims 3: the plan " + planFile + " is 2D"), wrongPlan.err());

        Path image = ds.resolve("imagesTs").resolve(SyntheticDatasetWriter.caseId(4) + "_0000.nii.gz");
        Volume input = ImageFiles.read(image);
        Volume labels = predictTestCase(model, image);
        assertArrayEquals(input.shape(), labels.shape());
        assertTrue(labels.geometry().approximatelyEquals(input.geometry(), 1e-6));
        assertArrayEquals(((NiftiHeader) input.sourceHeader().orElseThrow()).dim(),
                ((NiftiHeader) labels.sourceHeader().orElseThrow()).dim());
    }
}
