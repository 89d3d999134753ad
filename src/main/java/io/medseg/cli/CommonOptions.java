package io.medseg.cli;

import picocli.CommandLine.Option;

/** Options every command accepts. */
public final class CommonOptions {
    @Option(names = "--debug", description = "Print stack traces with error messages.")
    boolean debug;
}
