package io.medseg.synth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@link SyntheticDatasetWriter} wrote.
 *
 * @param outDir the dataset folder (absolute)
 * @param spec what was generated
 * @param trainingCases ids of the cases in imagesTr/labelsTr
 * @param testCases ids of the cases in imagesTs/labelsTs
 * @param lesionCount total number of lesions over all cases
 * @param elapsed wall time for generating and writing everything
 */
public record SyntheticDatasetSummary(Path outDir, SyntheticDatasetSpec spec, List<String> trainingCases,
        List<String> testCases, int lesionCount, Duration elapsed) {

    public SyntheticDatasetSummary {
        trainingCases = List.copyOf(trainingCases);
        testCases = List.copyOf(testCases);
    }

    /** One line for the command line, e.g. "wrote 8 training + 2 test 3D ct cases (64x64x64, 9 lesions) to /x in 1.2 s". */
    @Override
    public String toString() {
        int[] s = spec.shape();
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            shape.append(i == 0 ? "" : "x").append(s[i]);
        }
        // only the CT phantoms have lesions; a masked-MRI case has one structure
        String lesions = spec.kind() == SyntheticKind.CT ? ", " + lesionCount + " lesions" : "";
        return String.format(java.util.Locale.ROOT, "wrote %d training + %d test %dD %s cases (%s%s) to %s in %.1f s",
                trainingCases.size(), testCases.size(), spec.dims(), spec.kind().cliName(), shape, lesions, outDir, elapsed.toMillis() / 1000.0);
    }
}
