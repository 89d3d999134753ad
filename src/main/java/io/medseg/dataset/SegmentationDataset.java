package io.medseg.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;

/**
 * An nnU-Net v2 raw dataset folder: {@code dataset.json}, {@code imagesTr/CASE_0000<ending>} (one file per channel,
 * the 4-digit suffix is the channel index), {@code labelsTr/CASE<ending>} and optionally {@code imagesTs/} and {@code labelsTs/}.
 *
 * <p>Opening only lists what is on disk and never fails because of the dataset's content: a missing or broken
 * dataset.json is remembered (see {@link #descriptorProblems()}) and the file ending is then guessed from the files,
 * so that {@link DatasetValidator} can report every problem in one pass. Code that trains or predicts should call
 * {@link DatasetValidator#requireValid(SegmentationDataset)} first.
 */
public final class SegmentationDataset {
    /** Endings tried, longest first, when dataset.json does not say which one the files use. */
    private static final List<String> KNOWN_ENDINGS = List.of(".nii.gz", ".nii", ".png", ".tiff", ".tif");

    private final Path root;
    private final DatasetDescriptor descriptor;
    private final List<DatasetProblem> descriptorProblems;
    private final String fileEnding;
    private final List<DatasetCase> cases;
    private final List<Path> unassignedFiles;

    private SegmentationDataset(Path root, DatasetDescriptor descriptor, List<DatasetProblem> descriptorProblems,
            String fileEnding, List<DatasetCase> cases, List<Path> unassignedFiles) {
        this.root = root;
        this.descriptor = descriptor;
        this.descriptorProblems = List.copyOf(descriptorProblems);
        this.fileEnding = fileEnding;
        this.cases = List.copyOf(cases);
        this.unassignedFiles = List.copyOf(unassignedFiles);
    }

    /**
     * Lists the dataset in {@code dir}. Fails only when {@code dir} is not a readable folder; everything else is left
     * to {@link DatasetValidator}.
     */
    public static SegmentationDataset open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new MedSegException(dir + (Files.exists(root) ? ": not a folder" : ": no such folder")
                    + "; expected an nnU-Net dataset folder with dataset.json, imagesTr and labelsTr");
        }
        DatasetJson.Reading reading = DatasetJson.read(root);
        DatasetDescriptor d = reading.descriptor();
        String ending = d.fileEnding() != null ? d.fileEnding() : guessEnding(root);
        List<DatasetCase> cases = new ArrayList<>();
        List<Path> unassigned = new ArrayList<>();
        if (ending != null) {
            for (DatasetSplit split : DatasetSplit.values()) {
                listSplit(root, split, ending, d.channelCount(), cases, unassigned);
            }
        } else {
            for (DatasetSplit split : DatasetSplit.values()) {
                unassigned.addAll(files(root.resolve(split.imagesFolder())));
                unassigned.addAll(files(root.resolve(split.labelsFolder())));
            }
        }
        return new SegmentationDataset(root, d, reading.problems(), ending, cases, unassigned);
    }

    /** The dataset folder (absolute). */
    public Path root() {
        return root;
    }

    /** What dataset.json says; fields are null where it is missing or broken (see {@link #descriptorProblems()}). */
    public DatasetDescriptor descriptor() {
        return descriptor;
    }

    /** Everything wrong with dataset.json; empty when it is complete and well-formed. */
    public List<DatasetProblem> descriptorProblems() {
        return descriptorProblems;
    }

    /** The file ending the cases were listed with: dataset.json's, or the most common one on disk; null if none. */
    public String fileEnding() {
        return fileEnding;
    }

    /** All cases, training first, each split sorted by id. */
    public List<DatasetCase> cases() {
        return cases;
    }

    public List<DatasetCase> cases(DatasetSplit split) {
        return cases.stream().filter(c -> c.split() == split).toList();
    }

    /**
     * Regular files in the image and label folders that belong to no case: a different file ending, an image without
     * the 4-digit channel suffix ({@code _0000}), or a channel index beyond the declared channels. Hidden files are ignored.
     */
    public List<Path> unassignedFiles() {
        return unassignedFiles;
    }

    /** The path relative to the dataset folder with '/' separators, as used in problem reports. */
    public String relative(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static void listSplit(Path root, DatasetSplit split, String ending, int declaredChannels,
            List<DatasetCase> cases, List<Path> unassigned) {
        Pattern imageName = Pattern.compile("(.+)_(\\d{4})" + Pattern.quote(ending));
        Path imagesDir = root.resolve(split.imagesFolder());
        Path labelsDir = root.resolve(split.labelsFolder());
        Map<String, TreeSet<Integer>> channelsById = new TreeMap<>();
        for (Path f : files(imagesDir)) {
            Matcher m = imageName.matcher(f.getFileName().toString());
            if (m.matches()) {
                channelsById.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(Integer.parseInt(m.group(2)));
            } else {
                unassigned.add(f);
            }
        }
        Map<String, Path> labelsById = new HashMap<>();
        for (Path f : files(labelsDir)) {
            String name = f.getFileName().toString();
            if (name.endsWith(ending) && name.length() > ending.length()) {
                labelsById.put(name.substring(0, name.length() - ending.length()), f);
            } else {
                unassigned.add(f);
            }
        }
        // without channel_names, assume every channel index found on disk was meant to be there
        int channels = declaredChannels > 0 ? declaredChannels
                : channelsById.values().stream().mapToInt(s -> s.last() + 1).max().orElse(1);
        TreeSet<String> ids = new TreeSet<>(channelsById.keySet());
        ids.addAll(labelsById.keySet());
        for (String id : ids) {
            List<Path> channelImages = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                channelImages.add(imagesDir.resolve(String.format("%s_%04d%s", id, c, ending)));
            }
            for (int c : channelsById.getOrDefault(id, new TreeSet<>())) {
                if (c >= channels) {
                    unassigned.add(imagesDir.resolve(String.format("%s_%04d%s", id, c, ending)));
                }
            }
            cases.add(new DatasetCase(id, split, channelImages, labelsById.get(id)));
        }
    }

    private static String guessEnding(Path root) {
        Map<String, Integer> counts = new HashMap<>();
        for (DatasetSplit split : DatasetSplit.values()) {
            for (Path f : files(root.resolve(split.imagesFolder()))) {
                String name = f.getFileName().toString();
                KNOWN_ENDINGS.stream().filter(name::endsWith).findFirst().ifPresent(e -> counts.merge(e, 1, Integer::sum));
            }
        }
        return counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(null);
    }

    /** Non-hidden regular files of a folder, sorted; empty if the folder does not exist. */
    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new MedSegException(dir + ": cannot list (" + AtomicFiles.describe(e) + ")", e);
        }
    }
}
