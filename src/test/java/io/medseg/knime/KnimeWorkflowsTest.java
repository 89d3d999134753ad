package io.medseg.knime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.medseg.node.MedSegNode;
import io.medseg.node.PortDefinition;
import io.medseg.node.Setting;
import io.medseg.node.SettingsException;
import io.medseg.node.nodes.StandardNodes;
import io.medseg.workflow.WorkflowDefinition;
import io.medseg.workflow.WorkflowFiles;

/**
 * The shipped KNIME workflows (workflows/NAME/ and workflows/NAME.knwf) read as XML, with no KNIME on the class
 * path: every node is one of our registered factories, its {@code model} settings are exactly the engine node's keys
 * with values the engine accepts, and each KNIME workflow is in step with workflows/NAME.json (the same nodes in the
 * same order, the same settings once defaults and workflow variables are applied, the same connections). When this
 * fails after a JSON workflow changed, regenerate the KNIME workflows (see workflows/README.md).
 */
class KnimeWorkflowsTest {
    private static final Path WORKFLOWS = Path.of("workflows");

    /** A KNIME node as the test sees it: its engine type, JSON id (first annotation line) and effective settings. */
    private record KnimeNode(int knimeId, String type, String id, Map<String, String> settings) {
    }

    @Test
    void everyJsonWorkflowHasAKnimeWorkflowAndAKnwfAndNoOtherFolderExists() throws IOException {
        Set<String> json = new TreeSet<>();
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> s = Files.list(WORKFLOWS)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".json")) {
                    json.add(n.substring(0, n.length() - 5));
                } else if (Files.isDirectory(p)) {
                    folders.add(n);
                }
            }
        }
        assertFalse(json.isEmpty());
        assertEquals(json, folders, "one KNIME workflow folder per JSON workflow");
        for (String name : json) {
            assertTrue(Files.isRegularFile(WORKFLOWS.resolve(name + ".knwf")), name + ".knwf missing");
        }
    }

    @Test
    void knwfHoldsExactlyTheWorkflowFolder() throws IOException {
        for (String name : names()) {
            Path dir = WORKFLOWS.resolve(name);
            Map<String, byte[]> files = new TreeMap<>();
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    files.put(name + "/" + dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                }
            }
            Map<String, byte[]> zipped = new TreeMap<>();
            try (InputStream in = Files.newInputStream(WORKFLOWS.resolve(name + ".knwf"));
                    ZipInputStream z = new ZipInputStream(in)) {
                for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                    assertTrue(e.getName().startsWith(name + "/"), name + ".knwf: " + e.getName()
                            + " outside the single top-level folder " + name + "/");
                    if (!e.isDirectory()) {
                        zipped.put(e.getName(), z.readAllBytes());
                    }
                }
            }
            assertEquals(files.keySet(), zipped.keySet(), name + ".knwf differs from workflows/" + name + "/");
            for (String f : files.keySet()) {
                assertTrue(java.util.Arrays.equals(files.get(f), zipped.get(f)), name + ".knwf: " + f + " differs");
            }
        }
    }

    @Test
    void workflowsAreUnexecutedSmallAndFreeOfMachinePaths() throws IOException {
        Pattern machine = Pattern.compile("(?<![a-z])(/work/|/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\)|scratch");
        for (String name : names()) {
            try (Stream<Path> s = Files.walk(WORKFLOWS.resolve(name))) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    String rel = WORKFLOWS.resolve(name).relativize(p).toString();
                    assertFalse(rel.startsWith("data") || rel.contains("port_") || rel.contains("filestore")
                            || rel.contains("internal"), name + ": executed state or data committed: " + rel);
                    assertTrue(Files.size(p) < 64 * 1024, name + ": " + rel + " is large");
                    Matcher m = machine.matcher(Files.readString(p, StandardCharsets.UTF_8));
                    assertFalse(m.find(), name + ": " + rel + " holds a machine-specific path: " + (m.find(0)
                            ? m.group() : ""));
                }
            }
            String wf = Files.readString(WORKFLOWS.resolve(name).resolve("workflow.knime"));
            assertFalse(wf.contains("value=\"EXECUTED\""), name + " saved executed");
        }
    }

    @Test
    void nodesUseRegisteredFactoriesAndExactlyTheEngineSettings() throws Exception {
        String plugin = Files.readString(Path.of("plugin.xml"));
        for (String name : names()) {
            for (KnimeNode n : knimeNodes(name, plugin)) {
                MedSegNode engine = StandardNodes.registry().get(n.type());
                List<String> keys = engine.settings().settings().stream().map(Setting::key).toList();
                assertEquals(keys, new ArrayList<>(n.settings().keySet()), name + " node #" + n.knimeId()
                        + ": model settings are not the engine's keys");
                try {
                    engine.settings().resolve(n.id(), n.settings());
                } catch (SettingsException e) {
                    fail(name + " node #" + n.knimeId() + ": " + e.getMessage());
                }
            }
        }
    }

    @Test
    void knimeWorkflowsAreInStepWithTheirJsonWorkflows() throws Exception {
        String plugin = Files.readString(Path.of("plugin.xml"));
        for (String name : names()) {
            WorkflowDefinition json = WorkflowFiles.read(WORKFLOWS.resolve(name + ".json"));
            List<KnimeNode> knime = knimeNodes(name, plugin);
            assertEquals(json.nodes().stream().map(n -> n.id() + ":" + n.type()).toList(),
                    knime.stream().map(n -> n.id() + ":" + n.type()).toList(), name + ": nodes (id:type, in order)");
            for (int i = 0; i < knime.size(); i++) {
                WorkflowDefinition.NodeEntry j = json.nodes().get(i);
                KnimeNode k = knime.get(i);
                for (Setting s : StandardNodes.registry().get(j.type()).settings().settings()) {
                    String jv = j.settings().containsKey(s.key()) ? j.settings().get(s.key()) : s.defaultValue();
                    String kv = k.settings().get(s.key());
                    assertTrue(same(jv, kv), name + ": " + j.id() + "." + s.key() + " is '" + jv + "' in the JSON but '"
                            + kv + "' in the KNIME workflow");
                }
            }
            Set<String> jc = new TreeSet<>();
            json.connections().forEach(c -> jc.add(c.from() + " -> " + c.to()));
            assertEquals(jc, knimeConnections(name, knime), name + ": connections");
        }
    }

    // ---- reading the KNIME files

    private static List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(WORKFLOWS)) {
            return s.filter(p -> p.toString().endsWith(".json")).map(p -> p.getFileName().toString()
                    .replaceFirst("\\.json$", "")).filter(n -> Files.isDirectory(WORKFLOWS.resolve(n))).sorted()
                    .toList();
        }
    }

    /** The nodes of workflow.knime in id order, with settings after flow-variable bindings to workflow variables. */
    private static List<KnimeNode> knimeNodes(String name, String plugin) throws Exception {
        Path dir = WORKFLOWS.resolve(name);
        Element wf = parse(dir.resolve("workflow.knime"));
        Map<String, String> variables = new LinkedHashMap<>();
        Element vars = child(wf, "workflow_variables");
        if (vars != null) {
            for (Element v : children(vars)) {
                assertEquals("STRING", entry(v, "class"), name + ": workflow variable " + entry(v, "name"));
                variables.put(entry(v, "name"), entry(v, "value"));
            }
        }
        Map<String, String> typeByFactory = new LinkedHashMap<>();
        for (MedSegNode node : StandardNodes.registry().all()) {
            typeByFactory.put(ParametersSource.PACKAGE + "." + ParametersSource.prefix(node.type()) + "NodeFactory",
                    node.type());
        }
        Set<String> used = new TreeSet<>();
        List<KnimeNode> nodes = new ArrayList<>();
        for (Element n : children(child(wf, "nodes"))) {
            int id = Integer.parseInt(entry(n, "id"));
            assertEquals("NativeNode", entry(n, "node_type"), name + " node #" + id);
            Path settingsFile = dir.resolve(entry(n, "node_settings_file"));
            assertTrue(Files.isRegularFile(settingsFile), name + ": " + settingsFile + " missing");
            Element s = parse(settingsFile);
            String factory = entry(s, "factory");
            assertTrue(plugin.contains("factory-class=\"" + factory + "\""), name + " node #" + id + ": factory "
                    + factory + " is not registered in plugin.xml");
            assertEquals("io.medseg", entry(s, "node-bundle-symbolic-name"), name + " node #" + id);
            String type = typeByFactory.get(factory);
            assertNotNull(type, name + " node #" + id + ": " + factory + " is no engine node's factory");
            Map<String, String> settings = new LinkedHashMap<>();
            for (Element e : children(child(s, "model"))) {
                assertEquals("entry", e.getTagName(), name + " node #" + id + ": nested model config "
                        + e.getAttribute("key"));
                settings.put(e.getAttribute("key"), value(e));
            }
            Element tree = child(child(s, "variables"), "tree");
            if (tree != null) {
                for (Element b : children(tree)) {
                    String key = b.getAttribute("key");
                    String var = entry(b, "used_variable");
                    assertTrue(settings.containsKey(key), name + " node #" + id + ": binding of unknown setting " + key);
                    assertTrue(variables.containsKey(var), name + " node #" + id + ": " + key
                            + " bound to undefined workflow variable " + var);
                    assertEquals(variables.get(var), settings.get(key), name + " node #" + id + ": " + key
                            + " differs from workflow variable " + var + " that sets it");
                    settings.put(key, variables.get(var));
                    used.add(var);
                }
            }
            Element anno = child(s, "nodeAnnotation");
            assertNotNull(anno, name + " node #" + id + ": no annotation naming its JSON node id");
            String label = entry(anno, "text").split("\n", 2)[0];
            nodes.add(new KnimeNode(id, type, label, settings));
        }
        assertEquals(variables.keySet(), used, name + ": workflow variables that no setting uses");
        nodes.sort(java.util.Comparator.comparingInt(KnimeNode::knimeId));
        return nodes;
    }

    /** Connections as "node.port -> node.port" with JSON ids and engine port names (KNIME port 0 is flow variables). */
    private static Set<String> knimeConnections(String name, List<KnimeNode> nodes) throws Exception {
        Map<Integer, KnimeNode> byId = new LinkedHashMap<>();
        nodes.forEach(n -> byId.put(n.knimeId(), n));
        Set<String> out = new TreeSet<>();
        for (Element c : children(child(parse(WORKFLOWS.resolve(name).resolve("workflow.knime")), "connections"))) {
            KnimeNode from = byId.get(Integer.parseInt(entry(c, "sourceID")));
            KnimeNode to = byId.get(Integer.parseInt(entry(c, "destID")));
            assertNotNull(from, name + ": connection from an unknown node");
            assertNotNull(to, name + ": connection to an unknown node");
            out.add(from.id() + "." + port(StandardNodes.registry().get(from.type()).outputs(), entry(c, "sourcePort"))
                    + " -> " + to.id() + "." + port(StandardNodes.registry().get(to.type()).inputs(),
                            entry(c, "destPort")));
        }
        return out;
    }

    private static String port(List<PortDefinition> ports, String knimeIndex) {
        int i = Integer.parseInt(knimeIndex) - 1;
        return i >= 0 && i < ports.size() ? ports.get(i).name() : "knime-port-" + knimeIndex;
    }

    /** Same setting value: equal text, or equal numbers (lists element by element), null and "" alike. */
    static boolean same(String a, String b) {
        a = a == null ? "" : a.trim();
        b = b == null ? "" : b.trim();
        if (a.equals(b)) {
            return true;
        }
        String[] x = a.split(",");
        String[] y = b.split(",");
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            try {
                if (new BigDecimal(x[i].trim()).compareTo(new BigDecimal(y[i].trim())) != 0) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static Element parse(Path file) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c);
            }
        }
        return out;
    }

    private static Element child(Element e, String key) {
        for (Element c : children(e)) {
            if (c.getTagName().equals("config") && c.getAttribute("key").equals(key)) {
                return c;
            }
        }
        return null;
    }

    private static String entry(Element e, String key) {
        for (Element c : children(e)) {
            if (c.getTagName().equals("entry") && c.getAttribute("key").equals(key)) {
                return value(c);
            }
        }
        fail("no entry '" + key + "' in config '" + e.getAttribute("key") + "'");
        return null;
    }

    /** An entry's value as KNIME's XMLConfig stores it: null flagged by isnull, control characters as %%000NN. */
    private static String value(Element entry) {
        if ("true".equals(entry.getAttribute("isnull"))) {
            return null;
        }
        Matcher m = Pattern.compile("%%(\\d{5})").matcher(entry.getAttribute("value"));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1)))));
        }
        m.appendTail(b);
        return b.toString();
    }
}
