package io.medseg.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFormat;

/**
 * Finds the cases to predict, named as nnU-Net's {@code imagesTs}: a folder of {@code CASE_0000.ext} files, 0000
 * standing for the four-digit channel index, grouped by case; or one image file (a case of its own, named by the file
 * without its ending and without a {@code _0000} channel suffix).
 */
public final class InputCases {
    private static final Pattern CHANNEL_FILE = Pattern.compile("(.+)_(\\d{4})");

    private InputCases() {
    }

    /**
     * The cases in {@code in} for a model taking {@code channels} input channels, sorted by id. Hidden files and files
     * that are not images are skipped; an image not named CASE_0000.ext (any 4-digit channel), a missing or surplus
     * channel, or channels of one case with different endings fail with a message naming the file.
     */
    public static List<InputCase> find(Path in, int channels) {
        if (!Files.exists(in)) {
            throw new MedSegException(in + ": no such file or folder");
        }
        if (!Files.isDirectory(in)) {
            String[] idAndEnding = split(in);
            Matcher m = CHANNEL_FILE.matcher(idAndEnding[0]);
            String id = m.matches() && m.group(2).equals("0000") ? m.group(1) : idAndEnding[0];
            return List.of(new InputCase(id, List.of(in), idAndEnding[1]));
        }
        Map<String, TreeMap<Integer, Path>> byCase = new TreeMap<>();
        Map<String, String> endings = new TreeMap<>();
        for (Path f : files(in)) {
            if (ImageFormat.detect(f) == null) {
                continue;
            }
            String[] idAndEnding = split(f);
            Matcher m = CHANNEL_FILE.matcher(idAndEnding[0]);
            if (!m.matches()) {
                throw new MedSegException(f + ": not named CASE_0000" + idAndEnding[1]
                        + " (a case id, '_' and the 4-digit channel index, as nnU-Net's imagesTs)");
            }
            String id = m.group(1);
            int channel = Integer.parseInt(m.group(2));
            if (channel >= channels) {
                throw new MedSegException(f + ": channel " + channel + " of case " + id + ", but the model takes "
                        + channels + " channel(s) (_0000" + (channels > 1 ? " to _" + String.format("%04d", channels - 1)
                                : "") + ")");
            }
            String previous = endings.putIfAbsent(id, idAndEnding[1]);
            if (previous != null && !previous.equals(idAndEnding[1])) {
                throw new MedSegException(f + ": case " + id + " mixes file endings " + previous + " and "
                        + idAndEnding[1]);
            }
            byCase.computeIfAbsent(id, k -> new TreeMap<>()).put(channel, f);
        }
        if (byCase.isEmpty()) {
            throw new MedSegException(in + ": no images named CASE_0000.ext (.nii.gz, .nii, .png, .tif) in this folder");
        }
        List<InputCase> cases = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Integer, Path>> e : byCase.entrySet()) {
            String id = e.getKey();
            String ending = endings.get(id);
            List<Path> files = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                Path f = e.getValue().get(c);
                if (f == null) {
                    throw new MedSegException("case " + id + ": channel file " + in.resolve(String.format(Locale.ROOT,
                            "%s_%04d%s", id, c, ending)) + " is missing (the model takes " + channels + " channels)");
                }
                files.add(f);
            }
            cases.add(new InputCase(id, files, ending));
        }
        return cases;
    }

    /** The file name without and with its image ending, the ending spelled as in the name. */
    private static String[] split(Path file) {
        ImageFormat format = ImageFormat.of(file);
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        for (String e : format == ImageFormat.TIFF ? new String[] { ".tiff", ".tif" } : new String[] { format.ending() }) {
            if (lower.endsWith(e) && name.length() > e.length()) {
                int cut = name.length() - e.length();
                return new String[] { name.substring(0, cut), name.substring(cut) };
            }
        }
        throw new MedSegException(file + ": file name has nothing before its ending");
    }

    /** Non-hidden regular files, sorted by name. */
    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new MedSegException(dir + ": cannot list (" + AtomicFiles.describe(e) + ")", e);
        }
    }
}
