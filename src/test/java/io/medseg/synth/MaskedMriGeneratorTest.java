package io.medseg.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetJson;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.preprocessing.CropBox;
import io.medseg.preprocessing.NonzeroCrop;

class MaskedMriGeneratorTest {
    @TempDir
    Path tmp;

    /**
     * A head on exact zeros: the corners are 0, every voxel of the structure is non-zero, the zero voxels form one
     * surround (filling holes adds nothing) and the crop keeps less than three quarters of the image, as in
     * skull-stripped data where nnU-Net normalises within the mask.
     */
    @Test
    void headOnAnExactlyZeroSurroundWithTheStructureInside() {
        int[] shape = { 64, 64 };
        for (int index = 0; index < 6; index++) {
            SyntheticCase c = MaskedMriGenerator.generate(shape, 11, index);
            int[] image = Voxels.of(c.image());
            int[] label = Voxels.of(c.label());
            int n = image.length;
            assertEquals(0, image[0]);
            assertEquals(0, image[n - 1]);
            int zeros = 0;
            int structure = 0;
            float[] data = new float[n];
            for (int v = 0; v < n; v++) {
                data[v] = image[v];
                zeros += image[v] == 0 ? 1 : 0;
                if (label[v] == MaskedMriGenerator.STRUCTURE) {
                    structure++;
                    assertTrue(image[v] > 0, "structure voxel " + v + " is zero");
                }
            }
            assertTrue(structure > 20, "structure of " + structure + " voxels");
            assertTrue(zeros > n / 3, zeros + " zeros");
            boolean[] mask = NonzeroCrop.nonzeroMask(data, 1, new long[] { 64, 64 });
            int inMask = 0;
            for (boolean m : mask) {
                inMask += m ? 1 : 0;
            }
            assertEquals(n - zeros, inMask, "the zeros are one surround, not holes inside the head");
            CropBox box = NonzeroCrop.boundingBox(mask, new long[] { 64, 64 });
            double kept = box.shape()[0] * box.shape()[1] / (double) n;
            assertTrue(kept < 0.75 && kept > 0.3, "crop keeps " + kept);
        }
        assertArrayEquals(Voxels.of(MaskedMriGenerator.generate(shape, 11, 3).image()),
                Voxels.of(MaskedMriGenerator.generate(shape, 11, 3).image()), "a case depends only on its seed");
    }

    @Test
    void writtenAsADatasetWithItsChannelAndLabels() {
        Path out = tmp.resolve("mri");
        SyntheticDatasetWriter.write(out, new SyntheticDatasetSpec(2, 3, 5, new int[] { 32, 32 }, ".nii.gz",
                SyntheticKind.parse("masked-mri")), false);
        DatasetJson.Reading json = DatasetJson.read(out);
        assertEquals(List.of(), json.problems());
        assertEquals(Map.of("0", "T1"), json.descriptor().channelNames());
        assertEquals(Map.of("background", 0, "structure", 1), json.descriptor().labels());
        assertEquals(List.of(), DatasetValidator.validate(SegmentationDataset.open(out)));
        MedSegException e = assertThrows(MedSegException.class, () -> SyntheticKind.parse("pet"));
        assertTrue(e.getMessage().contains("--kind") && e.getMessage().contains("masked-mri"), e.getMessage());
    }
}
