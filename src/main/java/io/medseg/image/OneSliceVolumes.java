package io.medseg.image;

import net.imglib2.view.Views;

/**
 * 2D images stored as one-slice volumes. Many 2D datasets keep each slice as a NIfTI volume whose third axis has
 * length 1 (X × Y × 1); MedSeg reads such a file as a 3D volume (its header says 3 dimensions), but what it holds is
 * a 2D image. The pipeline looks at it through {@link #asImage(Volume)}, so a dataset of them is described,
 * fingerprinted, planned, trained and predicted as 2D, while outputs are written with the volume's own shape and
 * header.
 *
 * <p>Dropping an axis of length 1 does not change the flat voxel order (first axis fastest), so flat arrays computed
 * on the 2D image are also the flat arrays of the one-slice volume.
 */
public final class OneSliceVolumes {
    private OneSliceVolumes() {
    }

    /**
     * The axis a 3D shape has a single voxel along (the last such axis if several), or −1 for 2D shapes and for
     * volumes of several slices.
     */
    public static int axis(long[] shape) {
        if (shape.length != 3) {
            return -1;
        }
        for (int a = 2; a >= 0; a--) {
            if (shape[a] == 1) {
                return a;
            }
        }
        return -1;
    }

    /**
     * The single-voxel axis every one of a dataset's shapes has, or −1 if some shape is not a one-slice volume or
     * they differ in the axis: only a dataset made entirely of one-slice volumes is a 2D dataset (a 3D dataset with a
     * few one-slice cases stays 3D, and so do they).
     */
    public static int commonAxis(java.util.List<long[]> shapes) {
        int axis = shapes.isEmpty() ? -1 : axis(shapes.get(0));
        for (long[] s : shapes) {
            if (axis(s) != axis) {
                return -1;
            }
        }
        return axis;
    }

    /** 2 for 2D images and one-slice volumes, 3 for volumes of several slices. */
    public static int imageDims(Volume v) {
        return v.spatialDims() == 3 && axis(v.shape()) < 0 ? 3 : 2;
    }

    /**
     * The 2D image a one-slice volume holds (a view, no copy), any other volume as it is. The two in-plane axes keep
     * their order and become (i, j); the affine's columns follow them, and the single-voxel axis's column becomes the
     * third, which a 2D geometry keeps as its unused slice axis, so world positions are unchanged. The stored type and
     * scaling are kept; the source header is not, since it describes the 3D file.
     */
    public static Volume asImage(Volume v) {
        int axis = axis(v.shape());
        if (v.spatialDims() != 3 || axis < 0) {
            return v;
        }
        double[][] a = v.geometry().affine();
        double[][] planar = new double[4][4];
        int[] columns = new int[3];
        for (int c = 0, q = 0; c < 3; c++) {
            if (c != axis) {
                columns[q++] = c;
            }
        }
        columns[2] = axis;
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) {
                planar[r][c] = a[r][columns[c]];
            }
            planar[r][3] = a[r][3];
        }
        return new Volume(Views.hyperSlice(v.pixels(), axis, 0), Geometry.ofAffine(2, planar), v.storedType(),
                v.scaling(), null);
    }

    /**
     * A 2D image as the one-slice volume it is to a model trained on slices of 3D volumes: the inverse of
     * {@link #asImage(Volume)}, with the single-voxel axis at {@code sliceAxis}. The image's (i, j) become the
     * volume's other two axes in order, and the 2D geometry's unused slice-axis column becomes that axis's. The flat
     * voxel order is unchanged.
     */
    public static Volume asVolume(Volume image, int sliceAxis) {
        if (image.spatialDims() != 2) {
            return image;
        }
        double[][] planar = image.geometry().affine();
        double[][] a = new double[4][4];
        for (int r = 0; r < 4; r++) {
            for (int c = 0, q = 0; c < 3; c++) {
                a[r][c] = c == sliceAxis ? planar[r][2] : planar[r][q++];
            }
            a[r][3] = planar[r][3];
        }
        // pixels (i, j, channel) -> (i, j, channel, 1) -> the new axis moved to sliceAxis
        var pixels = Views.moveAxis(Views.addDimension(image.pixels(), 0, 0), 3, sliceAxis);
        return new Volume(pixels, Geometry.ofAffine(3, a), image.storedType(), image.scaling(), null);
    }
}
