package io.medseg.knime;

import io.medseg.node.MedSegNode;
import io.medseg.node.Setting;

/**
 * Writes the source of a node's KNIME NodeParameters class from its engine settings schema. KNIME reads titles,
 * descriptions and config keys from annotations, which must be compile-time constants, so the classes are generated
 * and committed; {@link KnimeBundleTest} regenerates them and fails when the engine's settings moved on
 * ({@code -Dmedseg.knime.regenerate=true} rewrites them).
 */
final class ParametersSource {
    static final String PACKAGE = "io.medseg.knime.nodes";
    static final String DIR = "src/knime/java/io/medseg/knime/nodes/";

    private ParametersSource() {
    }

    /** Class name prefix of a node type: segmentation-learner -> Learner, model-writer -> ModelWriter. */
    static String prefix(String type) {
        StringBuilder b = new StringBuilder();
        for (String part : type.replaceFirst("^segmentation-", "").split("-")) {
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }

    static String generate(MedSegNode node) {
        String cls = prefix(node.type()) + "Parameters";
        StringBuilder fields = new StringBuilder();
        StringBuilder providers = new StringBuilder();
        for (Setting s : node.settings().settings()) {
            String field = "m_" + camel(s.key());
            fields.append("\n    @Widget(title = ").append(quote(title(s.key()))).append(", description = ")
                    .append(quote(s.description() + " Allowed: " + s.allowed() + ".")).append(")\n");
            if (s.allowed().startsWith("one of ")) {
                String provider = prefix(s.key().replace('_', '-')) + "Choices";
                fields.append("    @ChoicesProvider(").append(cls).append('.').append(provider).append(".class)\n");
                providers.append("\n    /** The engine's allowed values of '").append(s.key()).append("'. */\n")
                        .append("    public static final class ").append(provider).append(" extends EngineChoices {\n")
                        .append("        public ").append(provider).append("() {\n")
                        .append("            super(TYPE, ").append(quote(s.key())).append(");\n")
                        .append("        }\n    }\n");
            }
            fields.append("    @Persist(configKey = ").append(quote(s.key())).append(")\n    public ")
                    .append(declaration(s, field)).append(";\n");
        }
        return "package " + PACKAGE + ";\n\n"
                + "import org.knime.core.node.InvalidSettingsException;\n"
                + "import org.knime.node.parameters.NodeParameters;\n"
                + "import org.knime.node.parameters.Widget;\n"
                + (providers.length() > 0 ? "import org.knime.node.parameters.widget.choices.ChoicesProvider;\n" : "")
                + "import org.knime.node.parameters.persistence.Persist;\n\n"
                + (providers.length() > 0 ? "import io.medseg.knime.node.EngineChoices;\n" : "")
                + "import io.medseg.knime.node.EngineSettings;\n\n"
                + "/**\n * Dialog and settings of the " + node.name() + " node, generated from the engine's settings"
                + " schema\n * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions"
                + " are the engine's.\n */\n"
                + "public final class " + cls + " implements NodeParameters {\n"
                + "    static final String TYPE = " + quote(node.type()) + ";\n"
                + fields + providers
                + "\n    /** The engine's own validation, so messages name the setting and what it allows. */\n"
                + "    @Override\n    public void validate() throws InvalidSettingsException {\n"
                + "        EngineSettings.resolve(TYPE, this);\n    }\n}\n";
    }

    /** Booleans, whole numbers and numbers as such; everything else (optional values, lists, paths) as text. */
    private static String declaration(Setting s, String field) {
        String allowed = s.allowed();
        String def = s.defaultValue() == null ? "" : s.defaultValue();
        if (allowed.equals("true or false")) {
            return "boolean " + field + " = " + def;
        }
        if (allowed.startsWith("an integer") && !allowed.endsWith("or empty")) {
            return "long " + field + " = " + def + "L";
        }
        if (allowed.startsWith("a number") && !allowed.endsWith("or empty")) {
            return "double " + field + " = " + def;
        }
        return "String " + field + " = " + quote(def);
    }

    private static String camel(String key) {
        String p = prefix(key.replace('_', '-'));
        return Character.toLowerCase(p.charAt(0)) + p.substring(1);
    }

    private static String title(String key) {
        String t = key.replace('_', ' ');
        return Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
