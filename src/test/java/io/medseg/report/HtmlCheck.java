package io.medseg.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a report page the way a strict reader would: HTML5 doctype, every element closed in order, and every
 * {@code src}/{@code href} either an embedded data URI, an in-page anchor or a relative path to an existing file
 * inside the run folder. Returns the problems found (empty = valid).
 */
public final class HtmlCheck {
    private static final Set<String> VOID = Set.of("meta", "img", "br", "hr", "link", "input", "source", "wbr");
    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>");
    private static final Pattern LINK = Pattern.compile("\\b(src|href)=\"([^\"]*)\"");

    private HtmlCheck() {
    }

    public static List<String> problems(String html, Path runDir) {
        List<String> problems = new ArrayList<>();
        if (!html.startsWith("<!DOCTYPE html>")) {
            problems.add("no HTML5 doctype");
        }
        String body = html.replaceAll("(?s)<style>.*?</style>", "<style></style>");
        Deque<String> open = new ArrayDeque<>();
        Matcher m = TAG.matcher(body);
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (m.group(1).isEmpty()) {
                if (!VOID.contains(name)) {
                    open.push(name);
                }
                Matcher l = LINK.matcher(m.group(3));
                while (l.find()) {
                    String target = l.group(2);
                    if (!(target.startsWith("data:image/png;base64,") || target.startsWith("#")
                            || inside(runDir, target))) {
                        problems.add("link outside the run folder or to a missing file: " + target);
                    }
                }
            } else if (open.isEmpty() || !open.pop().equals(name)) {
                problems.add("unbalanced </" + name + "> at offset " + m.start());
            }
        }
        if (!open.isEmpty()) {
            problems.add("unclosed elements " + open);
        }
        return problems;
    }

    private static boolean inside(Path runDir, String relative) {
        if (relative.contains(":") || relative.startsWith("/")) {
            return false;
        }
        Path target = runDir.resolve(relative).normalize();
        return target.startsWith(runDir) && Files.isRegularFile(target);
    }
}
