package io.medseg.cli;

import picocli.CommandLine.IVersionProvider;

/** Version line of {@code medseg --version}: the project's version from the jar manifest. */
public final class Versions implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = MedSegCli.class.getPackage().getImplementationVersion();
        return new String[] { "medseg " + (v == null ? "(development build)" : v) };
    }
}
