package dev.syncmat.examples.cli;

import java.util.regex.Pattern;

/** Hides secrets in what the CLI prints. Stateless and thread-safe. */
final class Redaction {
    /** {@code password=...} or {@code pwd=...} up to the next {@code &} or {@code ;}, any case. */
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(\\b(?:password|pwd)=)[^&;]*");
    /** The password of {@code scheme://user:password@host}. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@?;&]*:)[^/@?]*@");
    static final String MASK = "***";

    private Redaction() {
    }

    /** A JDBC URL as it may be printed: passwords in parameters and user info replaced by {@value #MASK}. */
    static String jdbcUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = USER_INFO.matcher(url).replaceAll("$1" + MASK + "@");
        return PASSWORD_PARAMETER.matcher(masked).replaceAll("$1" + MASK);
    }
}
