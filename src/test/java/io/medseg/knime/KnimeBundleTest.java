package io.medseg.knime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.medseg.node.MedSegNode;
import io.medseg.node.Setting;
import io.medseg.node.nodes.StandardNodes;

/**
 * The KNIME bundle's files checked as text: the default build has no KNIME on its class path, so the adapters in
 * src/knime/java are parsed, not compiled, here.
 */
class KnimeBundleTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyEngineNodeHasARegisteredFactoryWithASource() throws IOException {
        String plugin = read("plugin.xml");
        for (MedSegNode node : StandardNodes.registry().all()) {
            String factory = ParametersSource.PACKAGE + "." + ParametersSource.prefix(node.type()) + "NodeFactory";
            assertTrue(plugin.contains("factory-class=\"" + factory + "\""), node.type() + ": " + factory
                    + " not registered in plugin.xml");
            Path source = Path.of("src/knime/java", factory.replace('.', '/') + ".java");
            assertTrue(Files.isRegularFile(ROOT.resolve(source)), node.type() + ": " + source + " missing");
            assertTrue(read(source.toString()).contains("\"" + node.type() + "\""), source + " does not name "
                    + node.type());
        }
    }

    @Test
    void parametersPersistExactlyTheEngineSettingKeys() throws IOException {
        Pattern persist = Pattern.compile("@Persist\\(configKey = \"([a-z0-9_]+)\"\\)");
        for (MedSegNode node : StandardNodes.registry().all()) {
            String file = ParametersSource.DIR + ParametersSource.prefix(node.type()) + "Parameters.java";
            List<String> keys = new ArrayList<>();
            Matcher m = persist.matcher(read(file));
            while (m.find()) {
                keys.add(m.group(1));
            }
            assertEquals(node.settings().settings().stream().map(Setting::key).toList(), keys, file);
        }
    }

    @Test
    void parametersAreGeneratedFromTheCurrentEngineSchema() throws IOException {
        boolean regenerate = Boolean.getBoolean("medseg.knime.regenerate");
        for (MedSegNode node : StandardNodes.registry().all()) {
            Path file = ROOT.resolve(ParametersSource.DIR + ParametersSource.prefix(node.type()) + "Parameters.java");
            String expected = ParametersSource.generate(node);
            if (regenerate) {
                Files.writeString(file, expected, StandardCharsets.UTF_8);
            }
            assertEquals(expected, Files.readString(file), file + " is out of date: rerun with"
                    + " -Dmedseg.knime.regenerate=true");
        }
    }

    @Test
    void manifestExportsOnlyPackagesThatExist() throws IOException {
        String manifest = read("META-INF/MANIFEST.MF").replace("\n ", "");
        Matcher m = Pattern.compile("(?m)^Export-Package: (.*)$").matcher(manifest);
        assertTrue(m.find(), "no Export-Package");
        Set<String> existing = packages();
        for (String entry : m.group(1).split(",")) {
            String pkg = entry.split(";")[0].trim();
            assertTrue(existing.contains(pkg), "MANIFEST.MF exports " + pkg + ", which has no classes");
        }
    }

    @Test
    void buildPropertiesListsBothSourceFoldersAndTheBundleFiles() throws IOException {
        String props = read("build.properties").replace("\\\n", "");
        assertTrue(props.matches("(?s).*source\\.\\. = [^\\n]*src/main/java/.*"), "src/main/java not a source folder");
        assertTrue(props.matches("(?s).*source\\.\\. = [^\\n]*src/knime/java/.*"), "src/knime/java not a source folder");
        for (String include : List.of("META-INF/", "plugin.xml", "icons/", "lib/")) {
            assertTrue(props.contains(include), "bin.includes lacks " + include);
        }
    }

    @Test
    void everyNodeIconIsAFile() throws IOException {
        Matcher m = Pattern.compile("\"(?:\\.\\./)+(icons/[a-z-]+\\.png)\"").matcher(
                String.join("\n", sources()));
        int icons = 0;
        while (m.find()) {
            assertTrue(Files.isRegularFile(ROOT.resolve(m.group(1))), m.group(1) + " missing");
            icons++;
        }
        assertEquals(StandardNodes.registry().all().size(), icons, "one icon per node factory");
    }

    private static Set<String> packages() throws IOException {
        Set<String> packages = new TreeSet<>();
        for (String folder : List.of("src/main/java", "src/knime/java")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(folder))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> packages.add(
                        ROOT.resolve(folder).relativize(f.getParent()).toString().replace('/', '.')));
            }
        }
        return packages;
    }

    private static List<String> sources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/knime/java"))) {
            List<String> texts = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith("NodeFactory.java")).toList()) {
                texts.add(Files.readString(f));
            }
            return texts;
        }
    }

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    }
}
