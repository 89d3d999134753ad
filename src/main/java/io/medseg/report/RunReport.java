package io.medseg.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.medseg.io.AtomicFiles;
import io.medseg.node.ExecutionContext;
import io.medseg.node.ModelPort;
import io.medseg.node.PlanPort;
import io.medseg.node.PortObject;
import io.medseg.node.Table;
import io.medseg.node.TableFiles;
import io.medseg.node.nodes.CaseTable;
import io.medseg.workflow.NodeRun;
import io.medseg.workflow.RunResult;

/**
 * The run report, report.html: one self-contained HTML5 page that opens offline in any browser: the run's status,
 * device and versions, the headline metrics, then per node its status, warnings, images (learning curves, overlays,
 * embedded as data URIs), output tables, settings and log. Links point only at files inside the run folder.
 */
public final class RunReport {
    /** Rows shown per table; the CSV beside it has all of them. */
    static final int MAX_ROWS = 40;

    private RunReport() {
    }

    public static void write(RunResult run, Path file) {
        String html = render(run);
        AtomicFiles.write(file, true, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8));
    }

    static String render(RunResult run) {
        Html h = new Html();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .element("title", "MedSeg run: " + run.workflow().name()).raw("\n<style>").raw(STYLE)
                .raw("</style>\n</head>\n<body>\n");
        h.element("h1", "MedSeg run: " + run.workflow().name());
        if (!run.workflow().description().isEmpty()) {
            h.element("p", run.workflow().description());
        }
        h.raw("<table class=\"facts\">\n");
        fact(h, "status", run.status().label() + " (exit status " + run.status().exitCode() + ")");
        fact(h, "started", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(run.started().atOffset(ZoneOffset.UTC)
                .withNano(0)) + " UTC");
        fact(h, "duration", duration(run.seconds()));
        for (Map.Entry<String, String> e : environment(run).entrySet()) {
            fact(h, e.getKey(), e.getValue());
        }
        h.raw("</table>\n");
        headline(h, run);
        h.element("h2", "Nodes");
        h.raw("<table>\n<tr><th>node</th><th>type</th><th>status</th><th>time</th></tr>\n");
        for (NodeRun n : run.nodes()) {
            h.raw("<tr><td><a href=\"#node-").text(n.id()).raw("\">").text(n.id()).raw("</a></td>")
                    .element("td", n.name()).raw("<td class=\"" + n.status().name().toLowerCase(Locale.ROOT) + "\">")
                    .text(n.status().label()).raw("</td>").element("td", duration(n.seconds())).raw("</tr>\n");
        }
        h.raw("</table>\n");
        for (NodeRun n : run.nodes()) {
            node(h, n, run.runDir());
        }
        h.raw("</body>\n</html>\n");
        return h.toString();
    }

    /** The Dice rows of every summary table, first thing a reader wants. */
    private static void headline(Html h, RunResult run) {
        for (NodeRun n : run.nodes()) {
            PortObject summary = n.outputs().get("summary");
            if (summary instanceof Table t && t.spec().indexOf("metric") >= 0) {
                h.element("h2", "Dice (" + n.id() + ")");
                Map<Integer, String> names = CaseTable.labelNames(t.spec());
                h.raw("<table>\n<tr><th>label</th><th>mean</th><th>std</th><th>median</th><th>n</th></tr>\n");
                for (Table.Row r : t.rows()) {
                    if ("dice".equals(r.string("metric"))) {
                        h.raw("<tr>");
                        Object label = r.get("label");
                        String name = label instanceof Number v ? names.get(v.intValue()) : null;
                        h.raw("<td>").text(number(label) + (name == null ? "" : " " + name)).raw("</td>");
                        for (String c : List.of("mean", "std", "median", "n")) {
                            h.raw("<td class=\"num\">").text(number(r.get(c))).raw("</td>");
                        }
                        h.raw("</tr>\n");
                    }
                }
                h.raw("</table>\n");
            }
        }
    }

    private static void node(Html h, NodeRun n, Path runDir) {
        h.raw("<section id=\"node-").text(n.id()).raw("\">\n");
        h.element("h2", n.name() + " (" + n.id() + ")");
        h.raw("<p class=\"" + n.status().name().toLowerCase(Locale.ROOT) + "\">").text(n.status().label() + ", "
                + duration(n.seconds())).raw("</p>\n");
        if (n.error() != null) {
            h.element("p class=\"error\"", n.error());
        }
        for (String w : n.warnings()) {
            h.element("p class=\"warning\"", "warning: " + w);
        }
        for (ExecutionContext.ReportImage image : n.images()) {
            h.raw("<figure><img alt=\"").text(image.caption()).raw("\" src=\"").raw(dataUri(image.file()))
                    .raw("\"><figcaption>").text(image.caption()).raw("</figcaption></figure>\n");
        }
        for (Map.Entry<String, PortObject> out : n.outputs().entrySet()) {
            h.element("h3", "output " + out.getKey() + ": " + out.getValue().summary());
            if (out.getValue() instanceof Table t) {
                table(h, t, runDir);
                link(h, runDir, n.id() + "/" + out.getKey() + ".csv");
            } else if (out.getValue() instanceof PlanPort p) {
                table(h, p.toTable(), runDir);
                link(h, runDir, n.id() + "/" + p.file().getFileName());
            } else if (out.getValue() instanceof ModelPort m && m.file().startsWith(runDir)) {
                link(h, runDir, runDir.relativize(m.file()).toString().replace('\\', '/'));
            }
        }
        h.element("h3", "settings");
        h.raw("<table>\n");
        n.settings().forEach((k, v) -> h.raw("<tr>").element("td", k).element("td", v).raw("</tr>\n"));
        h.raw("</table>\n");
        if (!n.messages().isEmpty()) {
            h.raw("<details><summary>log (" + n.messages().size() + " lines)</summary><pre>")
                    .text(String.join("\n", n.messages())).raw("</pre></details>\n");
        }
        h.raw("</section>\n");
    }

    private static void table(Html h, Table t, Path runDir) {
        h.raw("<div class=\"scroll\"><table>\n<tr>");
        t.spec().names().forEach(c -> h.element("th", c));
        h.raw("</tr>\n");
        List<Table.Row> rows = t.rows();
        for (Table.Row r : rows.subList(0, Math.min(MAX_ROWS, rows.size()))) {
            h.raw("<tr>");
            for (Object cell : r.cells()) {
                boolean numeric = cell instanceof Number;
                h.raw(numeric ? "<td class=\"num\">" : "<td>").text(display(cell, runDir)).raw("</td>");
            }
            h.raw("</tr>\n");
        }
        h.raw("</table></div>\n");
        if (rows.size() > MAX_ROWS) {
            h.element("p", "first " + MAX_ROWS + " of " + rows.size() + " rows");
        }
    }

    /** A link to a file of the run folder, only if it is there (never a path outside the folder). */
    private static void link(Html h, Path runDir, String relative) {
        Path target = runDir.resolve(relative).normalize();
        if (target.startsWith(runDir) && Files.isRegularFile(target)) {
            h.raw("<p><a href=\"").text(relative).raw("\">").text(relative).raw("</a></p>\n");
        }
    }

    /** A cell for reading: files of the run folder relative to it, numbers rounded (the CSVs keep them exact). */
    private static String display(Object cell, Path runDir) {
        if (cell instanceof Path p) {
            return shortPath(p, runDir);
        }
        if (cell instanceof List<?> l) {
            return String.join(";", l.stream().map(p -> shortPath((Path) p, runDir)).toList());
        }
        if (cell instanceof double[] a) {
            return String.join(";", java.util.Arrays.stream(a).mapToObj(RunReport::number).toList());
        }
        return number(cell);
    }

    private static String shortPath(Path p, Path runDir) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(runDir) ? runDir.relativize(abs).toString().replace('\\', '/') : p.toString();
    }

    private static String number(Object cell) {
        if (cell instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return String.format(Locale.ROOT, Math.abs(d) >= 1e4 || (d != 0 && Math.abs(d) < 1e-3) ? "%.4g" : "%.4f",
                    d);
        }
        return TableFiles.text(cell);
    }

    private static void fact(Html h, String key, String value) {
        h.raw("<tr>").element("th", key).element("td", value).raw("</tr>\n");
    }

    /** Device and versions: the training run's (stored in its model) and this machine's. */
    private static Map<String, String> environment(RunResult run) {
        Map<String, String> env = new TreeMap<>();
        for (NodeRun n : run.nodes()) {
            for (PortObject o : n.outputs().values()) {
                if (o instanceof ModelPort m && m.spec().versions() != null) {
                    m.spec().versions().forEach((k, v) -> env.put("model " + k, v));
                }
            }
        }
        String v = RunReport.class.getPackage().getImplementationVersion();
        env.put("medseg", v == null ? "development build" : v);
        env.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " CPU cores");
        return env;
    }

    private static String dataUri(Path png) {
        try {
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(png));
        } catch (IOException e) {
            throw new io.medseg.MedSegException(png + ": cannot read image for the report ("
                    + AtomicFiles.describe(e) + ")", e);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? String.format(Locale.ROOT, "%.1f s", seconds)
                : s < 3600 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                        : String.format(Locale.ROOT, "%d h %02d min", s / 3600, s / 60 % 60);
    }

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
            h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em;margin-top:1.2em}
            table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
            th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
            table.facts th{width:12em}.scroll{overflow-x:auto}
            .succeeded{color:#17702a}.failed,.error{color:#b00020}.cancelled,.not_run,.warning{color:#9a6700}
            figure{display:inline-table;margin:.5em 1em .5em 0}img{max-width:100%;border:1px solid #ccc}
            figcaption{display:table-caption;caption-side:bottom;font-size:.85em;color:#555}
            pre{white-space:pre-wrap;font-size:.85em}
            """;
}
