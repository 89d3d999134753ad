package io.medseg.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.medseg.MedSegException;
import io.medseg.io.ImageFormat;

/**
 * Prediction and reference files paired by case. Two files are one case; two folders are paired by file name, the
 * nnU-Net layout where both hold CASE.nii.gz. Every reference needs a prediction (a missing one is an error naming the
 * case, since silently skipping it would inflate the scores); predictions without a reference are reported back.
 */
public record CasePairs(List<Pair> pairs, List<Path> unmatchedPredictions) {

    /** One case: its id (file name without the image ending) and both files. */
    public record Pair(String caseId, Path prediction, Path reference) {
    }

    public static CasePairs of(Path pred, Path ref) {
        if (!Files.exists(pred)) {
            throw new MedSegException("--pred " + pred + ": no such file or folder");
        }
        if (!Files.exists(ref)) {
            throw new MedSegException("--ref " + ref + ": no such file or folder");
        }
        boolean predDir = Files.isDirectory(pred);
        if (predDir != Files.isDirectory(ref)) {
            throw new MedSegException("--pred " + pred + " and --ref " + ref + " must both be files or both folders");
        }
        if (!predDir) {
            return new CasePairs(List.of(new Pair(caseId(ref), pred, ref)), List.of());
        }
        Map<String, Path> preds = images(pred);
        Map<String, Path> refs = images(ref);
        if (refs.isEmpty()) {
            throw new MedSegException("--ref " + ref + ": no image files (.nii.gz, .nii, .png, .tif)");
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, Path> r : refs.entrySet()) {
            Path p = preds.remove(r.getKey());
            if (p == null) {
                throw new MedSegException("case " + caseId(r.getValue()) + ": no prediction " + pred.resolve(r.getKey())
                        + " for reference " + r.getValue());
            }
            pairs.add(new Pair(caseId(r.getValue()), p, r.getValue()));
        }
        return new CasePairs(pairs, List.copyOf(preds.values()));
    }

    /** Image files of a folder by file name, sorted. */
    private static Map<String, Path> images(Path dir) {
        Map<String, Path> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).filter(f -> ImageFormat.detect(f) != null)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .forEach(f -> out.put(f.getFileName().toString(), f));
        } catch (IOException e) {
            throw new MedSegException(dir + ": cannot list folder: " + e.getMessage(), e);
        }
        return out;
    }

    /** The file name without its image ending: case_001.nii.gz gives case_001. */
    static String caseId(Path file) {
        String name = file.getFileName().toString();
        ImageFormat f = ImageFormat.detect(file);
        if (f != null) {
            for (String e : new String[] { ".nii.gz", ".nii", ".png", ".tiff", ".tif" }) {
                if (name.toLowerCase(Locale.ROOT).endsWith(e)) {
                    return name.substring(0, name.length() - e.length());
                }
            }
        }
        return name;
    }
}
