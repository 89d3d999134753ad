package io.medseg.io.raster;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;
import io.medseg.image.Volume;
import io.medseg.io.ImageFormat;
import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * PNG and TIFF pictures through the JDK's ImageIO. A picture becomes a 2D volume with axes (x, y, channel): grey
 * images have one channel, RGB(A) images three (alpha is dropped), palette images their palette indices (so indexed
 * label maps keep their label values). Samples keep their bit depth: 8-bit as uint8, 16-bit as uint16, float TIFFs
 * as float32. Pictures carry no physical geometry: unit spacing, zero origin.
 */
public final class RasterImages {
    /** Largest picture accepted, in samples, checked before any pixel memory is allocated. */
    static final long MAX_SAMPLES = Integer.MAX_VALUE - 8;

    private RasterImages() {
    }

    public static Volume read(Path path, ImageFormat format) {
        String kind = kind(format);
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            if (in == null) {
                throw new MedSegException(path + ": cannot open for reading");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new MedSegException(path + ": not a " + kind + " image (unrecognised content)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, true);
                String actual = reader.getFormatName().toUpperCase(Locale.ROOT);
                if (!actual.startsWith(kind.substring(0, 3))) {
                    throw new MedSegException(path + ": content is " + actual + ", but the name says " + kind);
                }
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h * 4 > MAX_SAMPLES) {
                    throw new MedSegException(path + ": unsupported picture size " + w + "x" + h);
                }
                BufferedImage image = reader.read(0);
                return toVolume(image, path);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MedSegException) {
                throw (MedSegException) e;
            }
            throw new MedSegException(path + ": corrupt or truncated " + kind + " file (" + reason(e) + ")", e);
        }
    }

    private static Volume toVolume(BufferedImage image, Path path) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int bands = raster.getNumBands();
        int channels;
        if (cm instanceof IndexColorModel || bands <= 2) {
            channels = 1; // grey (+alpha) or palette indices
        } else {
            channels = 3; // RGB(A): alpha is dropped
        }
        ImageDataType type = typeOf(raster, cm, path);
        int w = raster.getWidth();
        int h = raster.getHeight();
        Img<? extends RealType<?>> img = type.createImg(w, h, channels);
        fill(img, raster, channels);
        return new Volume(img, Geometry.identity(2), type, Volume.Scaling.IDENTITY, null);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void fill(Img img, Raster raster, int channels) {
        RandomAccess<RealType<?>> ra = img.randomAccess();
        int w = raster.getWidth();
        int h = raster.getHeight();
        boolean floating = raster.getTransferType() == DataBuffer.TYPE_FLOAT
                || raster.getTransferType() == DataBuffer.TYPE_DOUBLE;
        for (int c = 0; c < channels; c++) {
            ra.setPosition(c, 2);
            for (int y = 0; y < h; y++) {
                ra.setPosition(y, 1);
                for (int x = 0; x < w; x++) {
                    ra.setPosition(x, 0);
                    double v = floating ? raster.getSampleDouble(x, y, c) : raster.getSample(x, y, c);
                    ra.get().setReal(v);
                }
            }
        }
    }

    private static ImageDataType typeOf(Raster raster, ColorModel cm, Path path) {
        int maxBits = 0;
        for (int b = 0; b < raster.getNumBands(); b++) {
            maxBits = Math.max(maxBits, raster.getSampleModel().getSampleSize(b));
        }
        switch (raster.getTransferType()) {
            case DataBuffer.TYPE_BYTE:
                return ImageDataType.UINT8;
            case DataBuffer.TYPE_USHORT:
                return maxBits <= 8 ? ImageDataType.UINT8 : ImageDataType.UINT16;
            case DataBuffer.TYPE_SHORT:
                return ImageDataType.INT16;
            case DataBuffer.TYPE_INT:
                // packed RGB pixels report TYPE_INT with 8-bit samples
                return maxBits <= 8 ? ImageDataType.UINT8 : maxBits <= 16 ? ImageDataType.UINT16 : ImageDataType.INT32;
            case DataBuffer.TYPE_FLOAT:
                return ImageDataType.FLOAT32;
            case DataBuffer.TYPE_DOUBLE:
                return ImageDataType.FLOAT64;
            default:
                throw new MedSegException(path + ": unsupported sample layout (transfer type " + raster.getTransferType() + ")");
        }
    }

    /**
     * Fails before anything is written if a volume cannot be stored as a picture: it must be 2D (or 3D with one
     * slice), have 1 or 3 channels, and hold whole numbers in 0..65535 (float32 is allowed for TIFF).
     */
    public static void checkWritable(Volume volume, Path path, ImageFormat format) {
        plan(volume, path, format);
    }

    public static void write(Volume volume, Path path, ImageFormat format) throws IOException {
        ImageDataType type = plan(volume, path, format);
        RandomAccessibleInterval<? extends RealType<?>> pixels = planar(volume);
        int w = (int) pixels.dimension(0);
        int h = (int) pixels.dimension(1);
        int channels = (int) pixels.dimension(2);
        int bufferType = type == ImageDataType.UINT8 ? DataBuffer.TYPE_BYTE
                : type == ImageDataType.UINT16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_FLOAT;
        ColorSpace cs = ColorSpace.getInstance(channels == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, bufferType);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        Cursor<? extends RealType<?>> cursor = Views.flatIterable(pixels).localizingCursor();
        while (cursor.hasNext()) {
            double v = cursor.next().getRealDouble();
            raster.setSample(cursor.getIntPosition(0), cursor.getIntPosition(1), cursor.getIntPosition(2),
                    bufferType == DataBuffer.TYPE_FLOAT ? v : Math.round(v));
        }
        BufferedImage image = new BufferedImage(cm, raster, false, null);
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format == ImageFormat.PNG ? "png" : "tiff");
        if (!writers.hasNext()) {
            throw new IOException("this Java runtime has no " + kind(format) + " writer");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(path.toFile())) {
            writer.setOutput(out);
            writer.write(image);
        } finally {
            writer.dispose();
        }
    }

    /** Chooses the stored sample type, or explains why the volume does not fit the format. */
    private static ImageDataType plan(Volume volume, Path path, ImageFormat format) {
        String kind = kind(format);
        if (volume.spatialDims() == 3 && volume.shape()[2] != 1) {
            throw new MedSegException(path + ": " + kind + " holds 2D pictures but the image is 3D "
                    + shape(volume) + "; write .nii or .nii.gz instead");
        }
        if (volume.channels() != 1 && volume.channels() != 3) {
            throw new MedSegException(path + ": " + kind + " holds 1 (grey) or 3 (RGB) channels, the image has "
                    + volume.channels());
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean integral = true;
        for (RealType<?> t : Views.iterable(volume.pixels())) {
            double v = t.getRealDouble();
            min = Math.min(min, v);
            max = Math.max(max, v);
            integral &= v == Math.rint(v);
        }
        ImageDataType stored = volume.storedType();
        if (integral && min >= 0 && max <= 255 && stored != ImageDataType.UINT16) {
            return ImageDataType.UINT8;
        }
        if (integral && min >= 0 && max <= 65535) {
            return ImageDataType.UINT16;
        }
        if (format == ImageFormat.TIFF && volume.channels() == 1) {
            return ImageDataType.FLOAT32;
        }
        throw new MedSegException(path + ": " + kind + " stores whole numbers 0..65535 but the image holds values in ["
                + min + ", " + max + "]" + (integral ? "" : " with fractions") + "; write .nii or .nii.gz instead");
    }

    /** The pixels as (x, y, channel), dropping a singleton third spatial axis. */
    private static RandomAccessibleInterval<? extends RealType<?>> planar(Volume volume) {
        return volume.spatialDims() == 3 ? Views.hyperSlice(volume.pixels(), 2, 0) : volume.pixels();
    }

    private static String shape(Volume v) {
        return java.util.Arrays.toString(v.shape());
    }

    private static String kind(ImageFormat format) {
        return format == ImageFormat.PNG ? "PNG" : "TIFF";
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
