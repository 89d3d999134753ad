package io.medseg.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetProblem;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.preprocessing.Slices;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code medseg describe DATASET}: validates an nnU-Net v2 raw dataset and summarises it. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = { "Validate an nnU-Net v2 raw dataset and summarise it: cases per split, channels, labels, shapes,",
                "spacings and label voxel fractions. Every problem is reported at once (one line each); exit status 1." })
final class DescribeCommand extends MedSegCommand {
    @Parameters(paramLabel = "DATASET", description = "Dataset folder with dataset.json, imagesTr and labelsTr.")
    Path dir;



    @Override
    public Integer call() {
        SegmentationDataset ds = SegmentationDataset.open(dir);
        List<DatasetProblem> problems = DatasetValidator.validate(ds);
        if (!problems.isEmpty()) {
            PrintWriter err = err();
            for (DatasetProblem p : problems) {
                err.println("medseg: error: " + dir + ": " + p);
            }
            err.println("medseg: " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in " + dir);
            err.flush();
            return MedSegCli.EXIT_USER_ERROR;
        }
        summarise(ds, out());
        return 0;
    }

    private static void summarise(SegmentationDataset ds, PrintWriter out) {
        var d = ds.descriptor();
        out.println("dataset   " + ds.root());
        out.println("valid     yes (nnU-Net v2 raw layout, file ending " + ds.fileEnding() + ")");
        out.println("channels  " + d.channelNames());
        out.println("labels    " + d.labels());
        for (DatasetSplit split : DatasetSplit.values()) {
            out.printf(Locale.ROOT, "%-9s %d cases%n", split.name().toLowerCase(Locale.ROOT), ds.cases(split).size());
        }
        List<long[]> shapes = new java.util.ArrayList<>();
        List<double[]> spacings = new java.util.ArrayList<>();
        Map<Integer, Long> voxels = new TreeMap<>();
        long total = 0;
        for (DatasetCase c : ds.cases()) {
            Volume image = ImageFiles.read(c.channelImages().get(0));
            shapes.add(image.shape());
            spacings.add(image.geometry().spacing());
            if (c.hasLabel() && c.split() == DatasetSplit.TRAIN) {
                for (RealType<?> t : Views.iterable(ImageFiles.read(c.label()).pixels())) {
                    voxels.merge((int) t.getRealDouble(), 1L, Long::sum);
                    total++;
                }
            }
        }
        // a dataset of one-slice volumes is described as the 2D images they hold
        int oneSlice = OneSliceVolumes.commonAxis(shapes);
        if (oneSlice >= 0) {
            shapes.replaceAll(s -> Slices.without(s, oneSlice));
            spacings.replaceAll(s -> Slices.without(s, oneSlice));
        }
        long[] minShape = null;
        long[] maxShape = null;
        for (long[] s : shapes) {
            minShape = minShape == null ? s.clone() : min(minShape, s);
            maxShape = maxShape == null ? s.clone() : max(maxShape, s);
        }
        out.println("dims      " + minShape.length + (oneSlice >= 0
                ? " (2D images stored as one-slice volumes, one voxel along axis " + oneSlice + ")" : ""));
        out.println("shape     " + Arrays.toString(minShape) + " .. " + Arrays.toString(maxShape) + " voxels");
        out.println("spacing   median " + format(median(spacings.toArray(double[][]::new))) + " mm");
        StringBuilder f = new StringBuilder();
        for (Map.Entry<String, Integer> label : d.labels().entrySet()) {
            long count = voxels.getOrDefault(label.getValue(), 0L);
            f.append(String.format(Locale.ROOT, "%s%s %.2f%%", f.length() == 0 ? "" : ", ", label.getKey(),
                    total == 0 ? 0.0 : 100.0 * count / total));
        }
        out.println("voxels    " + f + " (training labels)");
        out.flush();
    }

    private static long[] min(long[] a, long[] b) {
        long[] r = a.clone();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            r[i] = Math.min(a[i], b[i]);
        }
        return r;
    }

    private static long[] max(long[] a, long[] b) {
        long[] r = a.clone();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            r[i] = Math.max(a[i], b[i]);
        }
        return r;
    }

    /** Per-axis median of the spacings. */
    private static double[] median(double[][] spacings) {
        int axes = spacings[0].length;
        double[] m = new double[axes];
        for (int a = 0; a < axes; a++) {
            double[] v = new double[spacings.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = spacings[i][a];
            }
            Arrays.sort(v);
            m[a] = v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
        }
        return m;
    }

    private static String format(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : " x ").append(String.format(Locale.ROOT, "%.3g", v[i]));
        }
        return b.toString();
    }
}
