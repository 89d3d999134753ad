package io.medseg.preprocessing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.image.Geometry;
import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.img.array.ArrayImgs;

/**
 * Turns a raw case into a {@link PreprocessedCase} and predictions back into the raw image space.
 *
 * <p>Forward: crop to the non-zero region (when the plan asks), normalise each channel, resample images and labels
 * to the plan's target spacing. The order follows nnU-Net's preprocessor (crop, normalise, resample): the z-score
 * mask is the non-zero mask at the original resolution, and CT clipping happens on the measured HU rather than on
 * interpolated values. The {@link CaseMapping} stores what the inverse needs.
 *
 * <p>A plan that slices volumes (nnU-Net's 2d configuration) resamples only the in-plane axes; the slice axis keeps
 * its spacing, so every slice of the preprocessed volume is one 2D training image.
 *
 * <p>Inverse: resample a map on the preprocessed grid back to the crop box's shape, paste it into an array of the
 * original shape (background, 0, outside the box) and attach the original geometry, so it can be written next to
 * the raw image.
 */
public final class Preprocessor {

    private Preprocessor() {
    }

    /** Reads the case's channel images and label (if any) and preprocesses them. */
    public static PreprocessedCase preprocess(DatasetCase c, PreprocessingPlan plan) {
        List<Volume> channels = new ArrayList<>();
        for (Path p : c.channelImages()) {
            channels.add(ImageFiles.read(p));
        }
        Volume label = c.hasLabel() ? ImageFiles.read(c.label()) : null;
        Volume first = channels.get(0);
        for (int i = 1; i < channels.size(); i++) {
            requireSameGrid(first, channels.get(i), c.channelImages().get(i));
        }
        if (label != null) {
            requireSameGrid(first, label, c.label());
        }
        return preprocess(c.id(), channels, label, plan);
    }

    private static void requireSameGrid(Volume reference, Volume other, Path file) {
        if (!Arrays.equals(reference.shape(), other.shape())) {
            throw new MedSegException(file + ": shape " + Arrays.toString(other.shape())
                    + " differs from the case's first channel " + Arrays.toString(reference.shape()));
        }
        // tolerance as loose as typical header rounding (float32 affines) but far below a voxel
        if (!reference.geometry().approximatelyEquals(other.geometry(), 1e-3)) {
            throw new MedSegException(file + ": geometry differs from the case's first channel");
        }
    }

    /**
     * Preprocesses one case given as volumes: one single-channel (or multi-channel) volume per input channel, all on
     * the same grid, and an optional label volume.
     */
    public static PreprocessedCase preprocess(String id, List<Volume> channels, Volume label, PreprocessingPlan plan) {
        channels = channels.stream().map(v -> asPlanned(id, v, plan)).toList();
        label = label == null ? null : asPlanned(id, label, plan);
        Volume first = channels.get(0);
        long[] shape = first.shape();
        Geometry geometry = first.geometry();
        int dims = shape.length;
        int n = (int) Resampler.voxels(shape);
        int channelCount = channels.stream().mapToInt(Volume::channels).sum();
        if (plan.normalization().size() != channelCount) {
            throw new MedSegException("case " + id + ": " + channelCount + " channels, but the plan normalises "
                    + plan.normalization().size());
        }
        float[] data = new float[channelCount * n];
        int filled = 0;
        for (Volume v : channels) {
            filled = VolumeArrays.copyFloats(v.pixels(), data, filled);
        }
        if (label != null && !Arrays.equals(label.shape(), shape)) {
            throw new MedSegException("case " + id + ": label shape " + Arrays.toString(label.shape())
                    + " differs from the image shape " + Arrays.toString(shape));
        }
        short[] labels = label == null ? null : VolumeArrays.toShorts(label.pixels(), n);

        // 1. crop
        CropBox box = CropBox.whole(shape);
        boolean[] mask = null;
        if (plan.cropToNonzero()) {
            boolean[] full = NonzeroCrop.nonzeroMask(data, channelCount, shape);
            box = NonzeroCrop.boundingBox(full, shape);
            data = NonzeroCrop.crop(data, channelCount, shape, box);
            mask = NonzeroCrop.crop(full, shape, box);
            if (labels != null) {
                labels = NonzeroCrop.crop(labels, shape, box);
                NonzeroCrop.markOutside(labels, mask);
            }
        }
        long[] cropShape = box.shape();
        int m = (int) Resampler.voxels(cropShape);

        // 2. normalise
        for (int c = 0; c < channelCount; c++) {
            Normalizer.normalize(data, c * m, m, plan.normalization().get(c), mask);
        }

        // 3. resample
        double[] spacing = geometry.spacing();
        double[] target = plan.slicesVolumes() ? Slices.with(plan.targetSpacing(), plan.sliceAxis(), spacing[plan.sliceAxis()])
                : plan.targetSpacing();
        long[] newShape = Resampler.targetShape(cropShape, spacing, target);
        ResamplingSettings rs = plan.resampling();
        int axis = Resampler.outOfPlaneAxis(spacing, target, rs.anisotropyThreshold());
        float[] image = Resampler.resample(data, channelCount, cropShape, newShape,
                Resampler.axisOrders(dims, rs.imageOrder(), axis, rs.outOfPlaneOrder()));
        short[] resampledLabels = labels == null ? null
                : Resampler.resampleLabels(labels, cropShape, newShape, rs.labelMode(), axis, rs.outOfPlaneOrder());
        return new PreprocessedCase(id, newShape, image, resampledLabels,
                new CaseMapping(shape.clone(), geometry, box, newShape.clone()));
    }

    /**
     * The volume as the plan takes it: a one-slice volume is the 2D image it holds for a plan of 2D images (the flat
     * voxel order is the same, so results map back onto the volume as they are); plans of 3D images (3D networks,
     * or 2D networks on slices) keep it 3D, a volume of one slice.
     */
    public static Volume asPlanned(String id, Volume v, PreprocessingPlan plan) {
        Volume image = plan.imageDims() == 2 ? OneSliceVolumes.asImage(v) : v;
        if (image.spatialDims() != plan.imageDims()) {
            throw new MedSegException("case " + id + ": the image is " + image.spatialDims() + "D "
                    + Arrays.toString(v.shape()) + " but the plan takes " + (plan.slicesVolumes()
                            ? "3D volumes (sliced across axis " + plan.sliceAxis() + ")"
                            : plan.dims() + "D images"));
        }
        return image;
    }

    /**
     * A float map (channels × voxels on the preprocessed grid, e.g. probabilities or logits) on the original grid:
     * linear interpolation in plane and the settings' out-of-plane order on the out-of-plane axis, as nnU-Net
     * resamples probabilities for export. Outside the crop box every channel is 0.
     */
    public static Volume toOriginal(float[] map, CaseMapping mapping, ResamplingSettings settings) {
        long[] pre = mapping.resampledShape();
        long[] boxShape = mapping.cropBox().shape();
        int channels = checkedChannels(map.length, pre);
        int axis = inverseAxis(mapping, settings);
        float[] boxed = Resampler.resample(map, channels, pre, boxShape,
                Resampler.axisOrders(pre.length, 1, axis, settings.outOfPlaneOrder()));
        long[] shape = mapping.originalShape();
        float[] full = new float[channels * (int) Resampler.voxels(shape)];
        NonzeroCrop.paste(boxed, channels, mapping.cropBox(), full, shape);
        return Volume.of(ArrayImgs.floats(full, VolumeArrays.withChannels(shape, channels)), mapping.originalGeometry());
    }

    /**
     * A label map on the preprocessed grid back on the original grid, resampled with the settings' label mode.
     * Background (0) outside the crop box; the "outside the non-zero region" marker −1 also becomes background,
     * because that is what those voxels are in the original label convention.
     */
    public static Volume toOriginal(short[] labels, CaseMapping mapping, ResamplingSettings settings) {
        long[] pre = mapping.resampledShape();
        checkedChannels(labels.length, pre);
        long[] boxShape = mapping.cropBox().shape();
        short[] boxed = Resampler.resampleLabels(labels, pre, boxShape, settings.labelMode(),
                inverseAxis(mapping, settings), settings.outOfPlaneOrder());
        for (int v = 0; v < boxed.length; v++) {
            if (boxed[v] == NonzeroCrop.OUTSIDE) {
                boxed[v] = 0;
            }
        }
        long[] shape = mapping.originalShape();
        short[] full = new short[(int) Resampler.voxels(shape)];
        NonzeroCrop.copyBox(full, shape, mapping.cropBox(), boxed, false);
        return Volume.of(ArrayImgs.shorts(full, VolumeArrays.withChannels(shape, 1)), mapping.originalGeometry());
    }

    /**
     * Where the preprocessed grid lies in world space: the crop box's geometry resized to the resampled shape over
     * the same extent (see {@link Resampler}). Useful to write preprocessed arrays as images for inspection.
     */
    public static Geometry preprocessedGeometry(CaseMapping mapping) {
        Geometry cropped = NonzeroCrop.shifted(mapping.originalGeometry(), mapping.cropBox().start());
        return Resampler.resampledGeometry(cropped, mapping.cropBox().shape(), mapping.resampledShape());
    }

    /** The out-of-plane axis going back: decided on the same pair of spacings as the forward pass. */
    private static int inverseAxis(CaseMapping mapping, ResamplingSettings settings) {
        double[] original = mapping.originalGeometry().spacing();
        double[] pre = Resampler.resampledSpacing(original, mapping.cropBox().shape(), mapping.resampledShape());
        // forward went original → pre; checking the original spacing first gives the same axis both ways
        return Resampler.outOfPlaneAxis(original, pre, settings.anisotropyThreshold());
    }

    private static int checkedChannels(int length, long[] shape) {
        long v = Resampler.voxels(shape);
        if (length == 0 || length % v != 0) {
            throw new IllegalArgumentException("map has " + length + " values, not a multiple of the preprocessed grid "
                    + Arrays.toString(shape));
        }
        return (int) (length / v);
    }

}
