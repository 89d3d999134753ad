package io.medseg.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every medseg command shares: the --debug option and its output streams (redirectable by tests). */
abstract class MedSegCommand implements Callable<Integer> {
    @Option(names = "--debug", description = "Print stack traces with error messages.")
    boolean debug;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
