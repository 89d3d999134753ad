package io.medseg.cli;

import java.nio.file.Path;

import io.medseg.MedSegException;
import io.medseg.synth.SyntheticDatasetSpec;
import io.medseg.synth.SyntheticDatasetSummary;
import io.medseg.synth.SyntheticDatasetWriter;
import io.medseg.synth.SyntheticKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medseg synth}: writes a synthetic CT-like dataset in the nnU-Net v2 raw layout. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = { "Write a synthetic dataset of abdominal-CT-like phantoms (labels background 0, organ 1, lesion 2)",
                "or, with --kind masked-mri, of MRI-like heads on an exactly zero background,",
                "in the nnU-Net v2 raw layout (dataset.json, imagesTr, labelsTr, imagesTs, labelsTs). Deterministic per seed." })
final class SynthCommand extends MedSegCommand {
    @Option(names = "--dims", required = true, description = "2 or 3.")
    int dims;

    @Option(names = "--cases", required = true, description = "Number of cases (about 20%% become the test split).")
    int cases;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must be empty or absent).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", split = ",", paramLabel = "N",
            description = "Image size per axis, e.g. 128,128 or 96,96,48 (default 128x128 in 2D, 64x64x64 in 3D).")
    int[] size;

    @Option(names = "--file-ending", defaultValue = ".nii.gz", description = ".nii.gz or .nii (default ${DEFAULT-VALUE}).")
    String fileEnding;

    @Option(names = "--overwrite", description = "Replace an earlier synthetic dataset in DIR.")
    boolean overwrite;

    @Option(names = "--kind", defaultValue = "ct", description = "ct: abdominal-CT-like phantoms (organ 1, lesion 2);"
            + " masked-mri: skull-stripped-MRI-like images, a head on an exactly zero background with a structure"
            + " (label 1) inside (default ${DEFAULT-VALUE}).")
    String kind;

    @Override
    public Integer call() {
        if (cases > 100_000) {
            throw new MedSegException("--cases " + cases + " is more than the 100000 cases synth writes");
        }
        SyntheticDatasetSummary summary = SyntheticDatasetWriter.write(out,
                new SyntheticDatasetSpec(dims, cases, seed, size, fileEnding, SyntheticKind.parse(kind)), overwrite);
        out().println(summary);
        return 0;
    }
}
