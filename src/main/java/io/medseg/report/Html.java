package io.medseg.report;

/** Builds HTML text with every piece of data escaped (names, settings and error messages come from users). */
final class Html {
    private final StringBuilder b = new StringBuilder();

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Markup written as is (only literals of this package). */
    Html raw(String markup) {
        b.append(markup);
        return this;
    }

    Html text(String s) {
        b.append(escape(s));
        return this;
    }

    /** {@code <tag>text</tag>} with the text escaped. */
    Html element(String tag, String text) {
        return raw("<" + tag + ">").text(text).raw("</" + tag.split(" ")[0] + ">");
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
