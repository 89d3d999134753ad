package io.medseg.image;

import java.util.Arrays;
import java.util.Optional;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.RealTypeConverters;
import net.imglib2.type.numeric.RealType;
import net.imglib2.type.numeric.real.DoubleType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * A medical image in memory: pixels plus geometry. The pixel interval has the spatial axes in file index order
 * (i, j[, k]) followed by one channel axis (size 1 for single-channel images), so a 3D CT is (i, j, k, 1) and an RGB
 * picture (x, y, 3). Pixel values are real values: any scaling stored in the file has been applied.
 *
 * <p>{@link #storedType()} and {@link #scaling()} remember how the values were stored so a writer can store them the
 * same way again and round trips stay exact.
 */
public final class Volume {
    private final RandomAccessibleInterval<? extends RealType<?>> pixels;
    private final Geometry geometry;
    private final ImageDataType storedType;
    private final Scaling scaling;
    private final SourceHeader sourceHeader;

    /** Linear value scaling as stored in the file: real = raw * slope + intercept. */
    public record Scaling(double slope, double intercept) {
        public static final Scaling IDENTITY = new Scaling(1, 0);

        public boolean isIdentity() {
            return slope == 1 && intercept == 0;
        }
    }

    public Volume(RandomAccessibleInterval<? extends RealType<?>> pixels, Geometry geometry, ImageDataType storedType,
            Scaling scaling, SourceHeader sourceHeader) {
        if (pixels.numDimensions() != geometry.spatialDims() + 1) {
            throw new IllegalArgumentException("pixels have " + pixels.numDimensions() + " axes; expected "
                    + geometry.spatialDims() + " spatial axes plus one channel axis");
        }
        if (Intervals.numElements(pixels) > 0 && Arrays.stream(Intervals.minAsLongArray(pixels)).anyMatch(m -> m != 0)) {
            throw new IllegalArgumentException("pixel interval must start at the origin");
        }
        this.pixels = pixels;
        this.geometry = geometry;
        this.storedType = storedType;
        this.scaling = scaling == null ? Scaling.IDENTITY : scaling;
        this.sourceHeader = sourceHeader;
    }

    /** A volume with no file history: stored as its in-memory type, no scaling, no source header. */
    public static Volume of(RandomAccessibleInterval<? extends RealType<?>> pixels, Geometry geometry) {
        return new Volume(pixels, geometry, ImageDataType.of(pixels.getType()), Scaling.IDENTITY, null);
    }

    /** Pixels with axes (spatial..., channel). */
    public RandomAccessibleInterval<? extends RealType<?>> pixels() {
        return pixels;
    }

    /** The pixels as doubles (a converted view, no copy). */
    public RandomAccessibleInterval<DoubleType> asDoubles() {
        return RealTypeConverters.convert(pixels, new DoubleType());
    }

    /** One channel as a spatial-only view. */
    public RandomAccessibleInterval<? extends RealType<?>> channel(int c) {
        return Views.hyperSlice(pixels, spatialDims(), c);
    }

    public Geometry geometry() {
        return geometry;
    }

    public int spatialDims() {
        return geometry.spatialDims();
    }

    public int channels() {
        return (int) pixels.dimension(spatialDims());
    }

    /** Spatial shape (i, j[, k]). */
    public long[] shape() {
        long[] s = new long[spatialDims()];
        for (int d = 0; d < s.length; d++) {
            s[d] = pixels.dimension(d);
        }
        return s;
    }

    /** The in-memory data type of the pixels. */
    public ImageDataType dataType() {
        return ImageDataType.of(pixels.getType());
    }

    /** The data type as stored in the file the volume came from (or its in-memory type). */
    public ImageDataType storedType() {
        return storedType;
    }

    public Scaling scaling() {
        return scaling;
    }

    public Optional<SourceHeader> sourceHeader() {
        return Optional.ofNullable(sourceHeader);
    }

    /** The same pixels and history with another geometry. */
    public Volume withGeometry(Geometry g) {
        return new Volume(pixels, g, storedType, scaling, sourceHeader);
    }

    /** The same pixels and geometry, forgetting how they were stored. */
    public Volume withoutHistory() {
        return of(pixels, geometry);
    }
}
