package io.medseg.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;

import io.medseg.image.ImageDataType;
import io.medseg.image.ImageStatistics;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.io.ImageFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg info FILE}: shape, spacing, affine, stored type and value statistics of one image. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = { "Describe an image: shape in file index order (i, j, k[, t]), spacing, the 4x4 voxel-to-world",
                "affine in RAS+ millimetres, the data type as stored, and min/max/mean of the scaled values." })
final class InfoCommand extends MedSegCommand {
    @Parameters(paramLabel = "FILE", description = "A .nii, .nii.gz, .png, .tif or .tiff image.")
    Path file;

    @Option(names = "--json", description = "Print JSON with keys shape, spacing, affine, dtype, min, max, mean.")
    boolean json;



    @Override
    public Integer call() {
        Volume v = ImageFiles.read(file);
        ImageStatistics stats = ImageStatistics.of(v);
        Map<String, Object> info = describe(v, stats);
        info.put("format", formatName(v));
        if (json) {
            out().println(new GsonBuilder().setPrettyPrinting().serializeNulls()
                    .serializeSpecialFloatingPointValues().create().toJson(info));
        } else {
            printText(info, stats);
        }
        return 0;
    }

    /** The JSON document; numbers are kept as doubles so nothing is rounded. */
    static Map<String, Object> describe(Volume v, ImageStatistics stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", null);
        m.put("shape", fileShape(v));
        m.put("channels", v.channels());
        m.put("spacing", v.geometry().spacing());
        m.put("affine", v.geometry().affine());
        m.put("dtype", v.storedType().label());
        m.put("min", stats.min());
        m.put("max", stats.max());
        m.put("mean", stats.mean());
        return m;
    }

    /**
     * Shape in file index order: the spatial axes, then the channel axis when there are several channels stored as
     * separate values (a 4D NIfTI's t axis, an RGB picture's samples). RGB24 NIfTI voxels are one value each.
     */
    static long[] fileShape(Volume v) {
        long[] spatial = v.shape();
        if (v.channels() == 1 || v.storedType() == ImageDataType.RGB24) {
            return spatial;
        }
        long[] s = java.util.Arrays.copyOf(spatial, spatial.length + 1);
        s[spatial.length] = v.channels();
        return s;
    }

    private String formatName(Volume v) {
        ImageFormat f = ImageFormat.of(file);
        String base = v.sourceHeader().map(h -> h.format()).orElse(f.name().toLowerCase(Locale.ROOT));
        return f == ImageFormat.NIFTI_GZ ? base + " (gzip)" : base;
    }

    private void printText(Map<String, Object> info, ImageStatistics stats) {
        java.io.PrintWriter out = out();
        out.println("file     " + file);
        out.println("format   " + info.get("format"));
        out.println("shape    " + join((long[]) info.get("shape")));
        out.println("channels " + info.get("channels"));
        out.println("spacing  " + join((double[]) info.get("spacing")) + " mm");
        out.println("dtype    " + info.get("dtype"));
        double[][] a = (double[][]) info.get("affine");
        for (int r = 0; r < 4; r++) {
            out.printf(Locale.ROOT, "%s [%12.6f %12.6f %12.6f %12.6f]%n", r == 0 ? "affine  " : "        ", a[r][0],
                    a[r][1], a[r][2], a[r][3]);
        }
        out.printf(Locale.ROOT, "min      %s%nmax      %s%nmean     %s%n", num(stats.min()), num(stats.max()),
                num(stats.mean()));
        if (stats.nanCount() > 0) {
            out.println("nan      " + stats.nanCount() + " voxels (ignored in the statistics)");
        }
    }

    private static String join(long[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : " x ").append(a[i]);
        }
        return b.toString();
    }

    private static String join(double[] a) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            b.append(i == 0 ? "" : " x ").append(num(a[i]));
        }
        return b.toString();
    }

    private static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return String.valueOf(d);
        }
        // six significant digits without trailing zeros: 2.0000001 prints as 2, 0.699999988 as 0.7
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", d)).stripTrailingZeros().toPlainString();
    }
}
