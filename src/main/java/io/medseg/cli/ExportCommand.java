package io.medseg.cli;

import java.nio.file.Path;

import io.medseg.inference.CasePredictor;
import io.medseg.model.nnunet.NnUNetExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg export MODEL --nnunet DIR}: a MedSeg model as an nnU-Net v2 trained-model folder. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = { "Write a model as an nnU-Net v2 trained-model folder (plans.json, dataset.json,",
                "fold_N/checkpoint_final.pth with the official state_dict keys) that the released LightM-UNet, U-Mamba,",
                "xLSTM-UNet or nnU-Net code loads; medseg import reads it back unchanged." })
final class ExportCommand extends MedSegCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file, or a folder holding "
            + CasePredictor.MODEL_FILE_NAME + ".")
    Path model;

    @Option(names = "--nnunet", required = true, paramLabel = "DIR", description = "Folder to write (created if missing).")
    Path out;

    @Option(names = "--overwrite", description = "Replace the files of an earlier export in DIR.")
    boolean overwrite;

    @Override
    public Integer call() {
        Path file = CasePredictor.modelFile(model);
        out().println("exported " + file + " to " + out + " (" + String.join(", ", NnUNetExporter.run(file, out,
                overwrite)) + ")");
        return 0;
    }
}
