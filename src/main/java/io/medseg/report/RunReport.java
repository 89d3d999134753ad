package io.medseg.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.medseg.io.AtomicFiles;
import io.medseg.node.RunContext;
import io.medseg.node.ModelPort;
import io.medseg.node.PlanPort;
import io.medseg.node.PortData;
import io.medseg.node.Table;
import io.medseg.node.TableFiles;
import io.medseg.node.nodes.CaseTable;
import io.medseg.workflow.NodeRun;
import io.medseg.workflow.RunResult;

/**
 * The run report, report.html: one self-contained HTML5 page that opens offline in any browser. It leads with what a
 * reader opens it for, in this order: did the run succeed (status, each node's status and time, the error of a failed
 * node), how good is it (Dice per label), how did training go (learning curves) and what do the predictions look like
 * (overlays); images are embedded as data URIs. The details follow, node by node: warnings, output tables, settings
 * and log, long tables folded into {@code <details>} elements so that the page stays short, then device and versions.
 * Links point only at files inside the run folder.
 */
public final class RunReport {
    /** Rows shown per table; the CSV beside it has all of them. */
    static final int MAX_ROWS = 40;
    /** Tables longer than this start folded; shorter ones are quicker to read than to open. */
    static final int OPEN_ROWS = 12;

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
        status(h, run);
        headline(h, run);
        images(h, run);
        h.element("h2", "Details");
        for (NodeRun n : run.nodes()) {
            node(h, n, run.runDir());
        }
        h.element("h3", "device and versions");
        h.raw("<table class=\"facts\">\n");
        environment(run).forEach((k, v) -> fact(h, k, v));
        h.raw("</table>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The run's status and time, each node's, and why a node failed. */
    private static void status(Html h, RunResult run) {
        h.raw("<table class=\"facts\">\n");
        h.raw("<tr>").element("th", "status").raw("<td class=\"" + run.status().name().toLowerCase(Locale.ROOT)
                + "\">").text(run.status().label() + " (exit status " + run.status().exitCode() + ")")
                .raw("</td></tr>\n");
        fact(h, "started", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(run.started().atOffset(ZoneOffset.UTC)
                .withNano(0)) + " UTC");
        fact(h, "duration", duration(run.seconds()));
        h.raw("</table>\n");
        h.raw("<table>\n<tr><th>node</th><th>type</th><th>status</th><th>time</th></tr>\n");
        for (NodeRun n : run.nodes()) {
            h.raw("<tr><td><a href=\"#node-").text(n.id()).raw("\">").text(n.id()).raw("</a></td>")
                    .element("td", n.name()).raw("<td class=\"" + n.status().name().toLowerCase(Locale.ROOT) + "\">")
                    .text(n.status().label()).raw("</td>").element("td", duration(n.seconds())).raw("</tr>\n");
        }
        h.raw("</table>\n");
        for (NodeRun n : run.nodes()) {
            if (n.error() != null) {
                h.element("p class=\"error\"", n.id() + ": " + n.error());
            }
        }
    }

    /**
     * The Dice rows of every summary table, first thing a reader wants, with the cases its statistics leave out
     * (a label absent from both masks has no Dice).
     */
    private static void headline(Html h, RunResult run) {
        for (NodeRun n : run.nodes()) {
            PortData summary = n.outputs().get("summary");
            if (summary instanceof Table t && t.spec().indexOf("metric") >= 0) {
                h.element("h2", "Dice (" + n.id() + ")");
                Map<Integer, String> names = CaseTable.labelNames(t.spec());
                h.raw("<table>\n<tr><th>label</th><th>mean</th><th>std</th><th>median</th><th>n</th>"
                        + "<th>left out</th></tr>\n");
                for (Table.Row r : t.rows()) {
                    if ("dice".equals(r.string("metric"))) {
                        h.raw("<tr>");
                        Object label = r.get("label");
                        String name = label instanceof Number v ? names.get(v.intValue()) : null;
                        h.raw("<td>").text(number(label) + (name == null ? "" : " " + name)).raw("</td>");
                        for (String c : List.of("mean", "std", "median", "n")) {
                            h.raw("<td class=\"num\">").text(number(r.get(c))).raw("</td>");
                        }
                        h.element("td", leftOut(t, r)).raw("</tr>\n");
                    }
                }
                h.raw("</table>\n");
                h.element("p class=\"note\"", "Statistics over the n cases where Dice is defined; IoU, HD95, ASSD,"
                        + " NSD and volumes are in the tables of " + n.id() + " under Details.");
            }
        }
    }

    /** "1 undefined, 2 infinite": the cases a summary row's statistics leave out ("" if none, or an older table). */
    private static String leftOut(Table t, Table.Row r) {
        List<String> parts = new ArrayList<>();
        for (String[] c : new String[][] { { "n_undefined", "undefined" }, { "n_infinite", "infinite" } }) {
            if (t.spec().indexOf(c[0]) >= 0 && r.get(c[0]) instanceof Number k && k.longValue() > 0) {
                parts.add(k + " " + c[1]);
            }
        }
        return String.join(", ", parts);
    }

    /** Every node's report images (learning curves, overlays), right after the headline numbers. */
    private static void images(Html h, RunResult run) {
        for (NodeRun n : run.nodes()) {
            if (n.images().isEmpty()) {
                continue;
            }
            h.element("h2", n.name() + " (" + n.id() + ")");
            for (RunContext.ReportImage image : n.images()) {
                h.raw("<figure><img alt=\"").text(image.caption()).raw("\" src=\"").raw(dataUri(image.file()))
                        .raw("\"><figcaption>").text(image.caption()).raw("</figcaption></figure>\n");
            }
        }
    }

    private static void node(Html h, NodeRun n, Path runDir) {
        h.raw("<section id=\"node-").text(n.id()).raw("\">\n");
        h.element("h3", n.name() + " (" + n.id() + ")");
        h.raw("<p class=\"" + n.status().name().toLowerCase(Locale.ROOT) + "\">").text(n.status().label() + ", "
                + duration(n.seconds())).raw("</p>\n");
        if (n.error() != null) {
            h.element("p class=\"error\"", n.error());
        }
        for (String w : n.warnings()) {
            h.element("p class=\"warning\"", "warning: " + w);
        }
        for (Map.Entry<String, PortData> out : n.outputs().entrySet()) {
            String title = "output " + out.getKey() + ": " + out.getValue().summary();
            if (out.getValue() instanceof Table t) {
                table(h, title, t, runDir);
                link(h, runDir, n.id() + "/" + out.getKey() + ".csv");
            } else if (out.getValue() instanceof PlanPort p) {
                table(h, title, p.toTable(), runDir);
                link(h, runDir, n.id() + "/" + p.file().getFileName());
            } else {
                h.element("p", title);
                if (out.getValue() instanceof ModelPort m && m.file().startsWith(runDir)) {
                    link(h, runDir, runDir.relativize(m.file()).toString().replace('\\', '/'));
                }
            }
        }
        // settings always start folded: they are what the run was asked to do (workflow.json has them too), not
        // what it found
        folded(h, "settings (" + n.settings().size() + ")", Integer.MAX_VALUE, () -> {
            h.raw("<table>\n");
            n.settings().forEach((k, v) -> h.raw("<tr>").element("td", k).element("td", v).raw("</tr>\n"));
            h.raw("</table>\n");
        });
        if (!n.messages().isEmpty()) {
            h.raw("<details><summary>log (" + n.messages().size() + " lines)</summary><pre>")
                    .text(String.join("\n", n.messages())).raw("</pre></details>\n");
        }
        h.raw("</section>\n");
    }

    /**
     * A titled piece of the details: folded into a {@code <details>} element when it has more than
     * {@link #OPEN_ROWS} rows, open otherwise, the title saying what it holds either way.
     */
    private static void folded(Html h, String title, int rows, Runnable body) {
        h.raw(rows > OPEN_ROWS ? "<details>" : "<details open>").raw("<summary>").text(title).raw("</summary>\n");
        body.run();
        h.raw("</details>\n");
    }

    private static void table(Html h, String title, Table t, Path runDir) {
        List<Table.Row> rows = t.rows();
        folded(h, title, rows.size(), () -> {
            h.raw("<div class=\"scroll\"><table>\n<tr>");
            t.spec().names().forEach(c -> h.element("th", c));
            h.raw("</tr>\n");
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
        });
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
            for (PortData o : n.outputs().values()) {
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
            figure{display:inline-table;margin:.5em 1em .5em 0}img{max-width:min(100%,900px);border:1px solid #ccc}
            figcaption{display:table-caption;caption-side:bottom;font-size:.85em;color:#555}
            pre{white-space:pre-wrap;font-size:.85em}
            details{margin:.4em 0}summary{cursor:pointer;font-weight:600;font-size:.95em}
            section{margin-top:1.4em}.note{font-size:.85em;color:#555}
            """;
}
