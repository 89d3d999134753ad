package io.medseg.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** One-slice volumes seen as 2D images: same voxels in the same flat order at the same world positions. */
class OneSliceVolumesTest {
    @Test
    void theSingleVoxelAxisIsFound() {
        assertEquals(2, OneSliceVolumes.axis(new long[] { 5, 4, 1 }));
        assertEquals(1, OneSliceVolumes.axis(new long[] { 5, 1, 4 }));
        assertEquals(2, OneSliceVolumes.axis(new long[] { 1, 1, 1 }));
        assertEquals(-1, OneSliceVolumes.axis(new long[] { 5, 4 }));
        assertEquals(-1, OneSliceVolumes.axis(new long[] { 5, 4, 3 }));
        assertEquals(2, OneSliceVolumes.commonAxis(List.of(new long[] { 5, 4, 1 }, new long[] { 6, 3, 1 })));
        // one volume of several slices, or one of another axis, makes the dataset 3D
        assertEquals(-1, OneSliceVolumes.commonAxis(List.of(new long[] { 5, 4, 1 }, new long[] { 6, 3, 2 })));
        assertEquals(-1, OneSliceVolumes.commonAxis(List.of(new long[] { 5, 4, 1 }, new long[] { 6, 1, 3 })));
    }

    @Test
    void aOneSliceVolumeIsTheImageItHolds() {
        // a coronal slice (one voxel along j) with an oblique, non-unit-spacing affine
        double[][] affine = { { 0.8, 0, 0.1, 10 }, { 0, 3, 0, -20 }, { -0.1, 0, 0.6, 5 }, { 0, 0, 0, 1 } };
        float[] values = new float[4 * 1 * 3];
        for (int v = 0; v < values.length; v++) {
            values[v] = v * 1.5f;
        }
        Volume volume = new Volume(ArrayImgs.floats(values, 4, 1, 3, 1), Geometry.ofAffine(3, affine),
                ImageDataType.INT16, new Volume.Scaling(1.5, 0), () -> "nifti1");
        assertEquals(2, OneSliceVolumes.imageDims(volume));
        Volume image = OneSliceVolumes.asImage(volume);
        assertEquals(2, image.spatialDims());
        assertArrayEquals(new long[] { 4, 3 }, image.shape());
        assertArrayEquals(new double[] { Math.hypot(0.8, 0.1), Math.hypot(0.1, 0.6) }, image.geometry().spacing(),
                1e-12);
        assertEquals(ImageDataType.INT16, image.storedType());
        assertTrue(image.sourceHeader().isEmpty()); // the header describes the 3D file
        int flat = 0;
        var cursor = Views.flatIterable(image.pixels()).cursor();
        while (cursor.hasNext()) {
            RealType<?> t = cursor.next();
            assertEquals(values[flat++], t.getRealFloat()); // same flat order
            int u = cursor.getIntPosition(0);
            int w = cursor.getIntPosition(1);
            assertArrayEquals(volume.geometry().toWorld(u, 0, w), image.geometry().toWorld(u, w), 1e-12);
        }
        assertEquals(values.length, flat);
        // the unused slice axis of the 2D geometry is the volume's j
        assertArrayEquals(volume.geometry().toWorld(0, 1, 0), image.geometry().toWorld(0, 0, 1), 1e-12);
        Volume thick = Volume.of(ArrayImgs.floats(4, 2, 3, 1), Geometry.identity(3));
        assertSame(thick, OneSliceVolumes.asImage(thick));
        assertEquals(3, OneSliceVolumes.imageDims(thick));
    }
}
