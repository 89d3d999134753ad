package io.medseg.dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Checks an nnU-Net dataset the way nnU-Net's own integrity check would, but reports every problem at once instead of
 * stopping at the first: dataset.json keys, the file layout (missing channels, labels without images and the other way
 * round, files with the wrong ending, numTraining), and, by reading each case, matching shapes and geometry of all
 * channels and the label, and label values that dataset.json does not declare.
 */
public final class DatasetValidator {
    /**
     * Affines of a case's files must agree to {@code |a - b| <= TOL + TOL * |b|} per entry; the same order of
     * tolerance nnU-Net's sanity check uses for spacing, origin and direction.
     */
    static final double GEOMETRY_TOLERANCE = 1e-4;

    private DatasetValidator() {
    }

    /** Every problem with the dataset, in a stable order (dataset-wide first, then by case); empty if it is valid. */
    public static List<DatasetProblem> validate(SegmentationDataset dataset) {
        List<DatasetProblem> problems = new ArrayList<>(dataset.descriptorProblems());
        problems.addAll(layoutProblems(dataset));
        // cases are independent and reading is the slow part; the ordered stream keeps the report order stable
        problems.addAll(dataset.cases().parallelStream().flatMap(c -> caseProblems(dataset, c).stream()).toList());
        return problems;
    }

    /** Throws a {@link DatasetValidationException} listing every problem unless the dataset is valid. */
    public static void requireValid(SegmentationDataset dataset) {
        List<DatasetProblem> problems = validate(dataset);
        if (!problems.isEmpty()) {
            throw new DatasetValidationException(dataset.root(), problems);
        }
    }

    private static List<DatasetProblem> layoutProblems(SegmentationDataset ds) {
        List<DatasetProblem> problems = new ArrayList<>();
        for (String folder : List.of(DatasetSplit.TRAIN.imagesFolder(), DatasetSplit.TRAIN.labelsFolder())) {
            if (!Files.isDirectory(ds.root().resolve(folder))) {
                problems.add(DatasetProblem.ofDataset(folder, "missing folder"));
            }
        }
        int training = ds.cases(DatasetSplit.TRAIN).size();
        if (training == 0 && Files.isDirectory(ds.root().resolve(DatasetSplit.TRAIN.imagesFolder()))) {
            problems.add(DatasetProblem.ofDataset(DatasetSplit.TRAIN.imagesFolder(), "no training cases"
                    + (ds.fileEnding() == null ? "" : " with file ending " + ds.fileEnding())));
        }
        Integer declared = ds.descriptor().numTraining();
        if (declared != null && declared != training) {
            problems.add(DatasetProblem.ofDataset(DatasetJson.FILE_NAME, "numTraining is " + declared + " but imagesTr/"
                    + "labelsTr hold " + training + " training case" + (training == 1 ? "" : "s")));
        }
        for (Path f : ds.unassignedFiles()) {
            problems.add(DatasetProblem.ofDataset(ds.relative(f), whyUnassigned(ds, f)));
        }
        return problems;
    }

    private static String whyUnassigned(SegmentationDataset ds, Path f) {
        String name = f.getFileName().toString();
        String ending = ds.fileEnding();
        if (ending == null) {
            return "not an image file of a known type, so the dataset's file ending cannot be guessed";
        }
        if (!name.endsWith(ending)) {
            return ds.descriptor().fileEnding() != null ? "file ending differs from file_ending " + ending
                    : "file ending differs from " + ending + ", the ending of most images (dataset.json has no usable "
                            + "file_ending)";
        }
        boolean isImage = f.getParent().getFileName().toString().startsWith("images");
        if (isImage && !Pattern.matches(".+_\\d{4}" + Pattern.quote(ending), name)) {
            return "image file name lacks the 4-digit channel suffix (e.g. CASE_0000" + ending + ")";
        }
        return "channel index not declared in dataset.json channel_names (" + ds.descriptor().channelCount()
                + " channel" + (ds.descriptor().channelCount() == 1 ? ")" : "s)");
    }

    private static List<DatasetProblem> caseProblems(SegmentationDataset ds, DatasetCase c) {
        List<DatasetProblem> problems = new ArrayList<>();
        List<Path> present = c.channelImages().stream().filter(Files::isRegularFile).toList();
        if (present.isEmpty()) {
            if (c.hasLabel()) {
                problems.add(problem(ds, c, c.label(), "label without image (expected "
                        + ds.relative(c.channelImages().get(0)) + ")"));
            }
        } else {
            for (Path p : c.channelImages()) {
                if (!present.contains(p)) {
                    problems.add(problem(ds, c, p, "missing channel file"));
                }
            }
        }
        if (!c.hasLabel() && c.split() == DatasetSplit.TRAIN && !present.isEmpty()) {
            problems.add(problem(ds, c, c.channelImages().get(0), "image without label (expected "
                    + c.split().labelsFolder() + "/" + c.id() + ds.fileEnding() + ")"));
        }

        // contents: every readable file is compared with the first readable channel
        Path refPath = null;
        Volume ref = null;
        for (Path p : present) {
            Volume v = read(ds, c, p, problems);
            if (v == null) {
                continue;
            }
            if (ref == null) {
                ref = v;
                refPath = p;
            } else {
                compare(ds, c, p, v, refPath, ref, problems);
            }
        }
        if (c.hasLabel()) {
            Volume label = read(ds, c, c.label(), problems);
            if (label != null) {
                if (label.channels() != 1) {
                    problems.add(problem(ds, c, c.label(), "label has " + label.channels()
                            + " channels; expected a single-channel label map"));
                }
                if (ref != null) {
                    compare(ds, c, c.label(), label, refPath, ref, problems);
                }
                checkLabelValues(ds, c, label, problems);
            }
        }
        return problems;
    }

    private static Volume read(SegmentationDataset ds, DatasetCase c, Path p, List<DatasetProblem> problems) {
        try {
            return ImageFiles.read(p);
        } catch (MedSegException e) {
            // the reader's message starts with the absolute path; the problem line names the file already
            String m = e.getMessage();
            String prefix = p.toString() + ": ";
            problems.add(problem(ds, c, p, "cannot read: " + (m.startsWith(prefix) ? m.substring(prefix.length()) : m)));
            return null;
        }
    }

    private static void compare(SegmentationDataset ds, DatasetCase c, Path p, Volume v, Path refPath, Volume ref,
            List<DatasetProblem> problems) {
        String what = p.equals(c.label()) ? "label" : "channel image";
        if (!Arrays.equals(v.shape(), ref.shape())) {
            problems.add(problem(ds, c, p, what + " shape " + Arrays.toString(v.shape()) + " differs from "
                    + ds.relative(refPath) + " shape " + Arrays.toString(ref.shape())));
        }
        if (v.spatialDims() == ref.spatialDims() && !sameGeometry(v.geometry(), ref.geometry())) {
            problems.add(problem(ds, c, p, what + " geometry differs from " + ds.relative(refPath) + " (spacing "
                    + fmt(v.geometry().spacing()) + " vs " + fmt(ref.geometry().spacing()) + ", origin "
                    + fmt(v.geometry().origin()) + " vs " + fmt(ref.geometry().origin()) + ")"));
        }
    }

    /** Every entry of the affines agrees to within {@link #GEOMETRY_TOLERANCE}, relative or absolute. */
    static boolean sameGeometry(Geometry a, Geometry b) {
        double[][] x = a.affine();
        double[][] y = b.affine();
        for (int r = 0; r < 3; r++) {
            for (int col = 0; col < 4; col++) {
                if (!(Math.abs(x[r][col] - y[r][col]) <= GEOMETRY_TOLERANCE + GEOMETRY_TOLERANCE * Math.abs(y[r][col]))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void checkLabelValues(SegmentationDataset ds, DatasetCase c, Volume label,
            List<DatasetProblem> problems) {
        Map<String, Integer> declared = ds.descriptor().labels();
        TreeSet<Double> found = new TreeSet<>();
        double last = Double.NaN;
        Cursor<? extends RealType<?>> cursor = Views.flatIterable(label.pixels()).cursor();
        while (cursor.hasNext()) {
            double v = cursor.next().getRealDouble();
            // label maps are mostly long runs of one value; skip the set lookup for repeats
            if (v != last) {
                found.add(v);
                last = v;
            }
        }
        List<Double> fractional = found.stream().filter(v -> v != Math.rint(v)).toList();
        if (!fractional.isEmpty()) {
            problems.add(problem(ds, c, c.label(), "label has non-integer values " + list(fractional)
                    + "; a label map must hold integer label values"));
        }
        if (declared == null) {
            return; // dataset.json's labels are broken; that is reported once, not per case
        }
        List<Double> undeclared = found.stream().filter(v -> v == Math.rint(v) && !declared.containsValue((int) (double) v))
                .toList();
        if (!undeclared.isEmpty()) {
            problems.add(problem(ds, c, c.label(), "label values " + list(undeclared)
                    + " not declared in dataset.json labels " + new TreeSet<>(declared.values())));
        }
    }

    private static DatasetProblem problem(SegmentationDataset ds, DatasetCase c, Path file, String message) {
        return DatasetProblem.ofCase(c.id(), ds.relative(file), message);
    }

    private static String list(List<Double> values) {
        return values.stream().map(v -> v == Math.rint(v) ? Long.toString((long) (double) v) : Double.toString(v))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String fmt(double[] v) {
        return Arrays.stream(v).mapToObj(x -> String.format(java.util.Locale.ROOT, "%.4g", x))
                .collect(Collectors.joining(", ", "(", ")"));
    }
}
