package io.medseg.cli;

import java.io.PrintWriter;

import io.medseg.MedSegException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The {@code medseg} command line. Errors the user can fix print one line and exit with status 1; usage errors exit
 * with 2; anything unexpected with 3. {@code --debug} adds the stack trace.
 */
@Command(name = "medseg", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = "Medical image segmentation with LightM-UNet and xLSTM-UNet on DJL.",
        subcommands = { InfoCommand.class, ConvertCommand.class, SynthCommand.class, DescribeCommand.class,
                SummaryCommand.class, PreprocessCommand.class, BenchCommand.class, PlanCommand.class,
                ScoreCommand.class, TrainCommand.class, PredictCommand.class, ImportCommand.class, ExportCommand.class, RunCommand.class,
                NodesCommand.class,
                CommandLine.HelpCommand.class })
public final class MedSegCli {
    public static final int EXIT_USER_ERROR = 1;
    public static final int EXIT_INTERNAL_ERROR = 3;

    public static void main(String[] args) {
        // The command line draws charts on servers where DISPLAY is unset or points nowhere; AWT would then fail to
        // open the X server. Set here, not in the chart code, because inside KNIME AWT belongs to the desktop. A value
        // the user chose is kept.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // DJL warns "Failed to detect GPU count: CUDA driver version is insufficient" on every machine without a GPU
        // driver; the device line MedSeg prints says the same in words users act on
        if (System.getProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (used by tests, which must not call System.exit). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** The configured command line (tests redirect its output with setOut/setErr). */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new MedSegCli());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    /** Turns exceptions into one-line messages and exit codes. */
    private static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            boolean debug = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"))
                    || parsed.hasMatchedOption("--debug");
            if (ex instanceof MedSegException) {
                err.println("medseg: error: " + ex.getMessage());
                if (debug) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return EXIT_USER_ERROR;
            }
            err.println("medseg: internal error: " + ex + (debug ? "" : " (run with --debug for details)"));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_INTERNAL_ERROR;
        }
    }
}
