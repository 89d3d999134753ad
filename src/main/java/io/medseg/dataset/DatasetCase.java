package io.medseg.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * One case of an nnU-Net dataset: an id such as {@code liver_003}, one image file per channel and an optional label.
 *
 * @param id the case id, the file name without the channel suffix and ending
 * @param split train or test
 * @param channelImages the image file for each declared channel, in channel order ({@code id_0000<ending>},
 *            {@code id_0001<ending>}, ...). These are the paths nnU-Net expects; a file may be missing on disk, which
 *            {@link DatasetValidator} reports.
 * @param label the label file, or null if there is none on disk (normal for test cases)
 */
public record DatasetCase(String id, DatasetSplit split, List<Path> channelImages, Path label) {
    public DatasetCase {
        channelImages = List.copyOf(channelImages);
    }

    public boolean hasLabel() {
        return label != null;
    }
}
