package dev.syncmat.jdbi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start works as written: its Java block compiles against this module's class
 * path (the published modules, jdbi and H2) and, run, pushes an op and pulls it back; its Maven
 * block imports the BOM at the project's version.
 */
class ReadmeQuickStartTest {
    @TempDir
    Path dir;

    private static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("README.md")) && Files.exists(p.resolve("syncmat-bom/pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }

    private static List<String> blocks(String markdown, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?ms)^```" + language + "\\n(.*?)^```$").matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    private static String readme() throws IOException {
        return Files.readString(projectRoot().resolve("README.md"), StandardCharsets.UTF_8);
    }

    @Test
    void theJavaBlockCompilesAndRunsOnH2() throws Exception {
        List<String> java = blocks(readme(), "java");
        assertThat(java).as("java blocks in README.md").hasSize(1);
        String source = java.get(0);
        Matcher name = Pattern.compile("public final class (\\w+)").matcher(source);
        assertThat(name.find()).as("a public class in the block").isTrue();
        Path file = dir.resolve(name.group(1) + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Path classes = Files.createDirectory(dir.resolve("classes"));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            compiled = compiler.getTask(null, files, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "-Werror", "-classpath", System.getProperty("java.class.path"),
                            "-d", classes.toString()),
                    null, files.getJavaFileObjects(file)).call();
        }
        StringBuilder report = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            report.append("line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
        }
        assertThat(compiled).as("the README's Java block compiles:\n%s", report).isTrue();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("{\"results\":[{\"opId\":\"c1-1\",\"outcome\":\"applied\"}],\"serverCursor\":\"");
        assertThat(lines[1]).startsWith("{\"objects\":[{\"objectId\":\"note-1\",\"objectType\":\"note\",\"tags\":[],"
                + "\"payload\":{\"title\":\"hi\"},\"deleted\":false,\"clock\":{\"c1\":1},\"context\":{\"c1\":1},"
                + "\"winnerOpId\":\"c1-1\",\"heads\":1}],");
    }

    @Test
    void theMavenBlockImportsTheBomAtTheProjectVersion() throws IOException {
        String pom = Files.readString(projectRoot().resolve("syncmat-bom/pom.xml"), StandardCharsets.UTF_8);
        Matcher version = Pattern.compile("<artifactId>syncmat-bom</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).isTrue();
        List<String> xml = blocks(readme(), "xml");
        assertThat(xml).as("xml blocks in README.md").hasSize(1);
        assertThat(xml.get(0)).containsPattern("<artifactId>syncmat-bom</artifactId>\\s*<version>"
                + Pattern.quote(version.group(1)) + "</version>\\s*<type>pom</type>\\s*<scope>import</scope>");
        assertThat(xml.get(0)).containsPattern("<artifactId>sync-jdbi</artifactId>\\s*(<!--[^>]*-->)?\\s*</dependency>");
    }
}
