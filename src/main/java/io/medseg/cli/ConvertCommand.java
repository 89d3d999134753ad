package io.medseg.cli;

import java.nio.file.Path;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.io.ImageFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg convert IN OUT}: any supported format to any other, geometry preserved where the target holds it. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = { "Convert an image between .nii, .nii.gz, .png, .tif and .tiff. NIfTI keeps the geometry and the",
                "stored data type; PNG/TIFF hold 2D whole numbers 0..65535 (TIFF also float) and no geometry." })
final class ConvertCommand extends MedSegCommand {
    @Parameters(index = "0", paramLabel = "IN", description = "Image to read.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Image to write; its ending chooses the format.")
    Path out;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;



    @Override
    public Integer call() {
        ImageFormat target = ImageFormat.of(out);
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new MedSegException(out + ": is the input file; choose another output name");
        }
        ImageFiles.checkReadable(in);
        if (!overwrite) {
            io.medseg.io.AtomicFiles.checkWritable(out, false);
        }
        Volume v = ImageFiles.read(in);
        ImageFiles.checkWritable(v, out, overwrite);
        if (!target.isNifti() && !v.geometry().approximatelyEquals(Geometry.identity(v.spatialDims()), 1e-9)) {
            err().println("medseg: warning: " + out + ": " + target
                    + " stores no geometry; spacing, origin and orientation of " + in + " are dropped");
        }
        ImageFiles.write(v, out, overwrite);
        return 0;
    }
}
