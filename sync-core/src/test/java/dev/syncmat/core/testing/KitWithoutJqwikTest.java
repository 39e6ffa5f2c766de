package dev.syncmat.core.testing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.syncmat.core.merge.MergeEngine;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * jqwik is an optional dependency: the plain parts of the kit load and run in a class loader that
 * holds sync-core, its test classes and Jackson, and nothing else.
 */
class KitWithoutJqwikTest {

    private static URL locationOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    private static URLClassLoader withoutJqwik() {
        URL[] path = {locationOf(MergeEngine.class), locationOf(PlainKitUse.class), locationOf(ObjectMapper.class),
                locationOf(JsonFactory.class), locationOf(JsonProperty.class)};
        return new URLClassLoader(path, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void thePlainPartsOfTheKitRunWithoutJqwik() throws Exception {
        try (URLClassLoader loader = withoutJqwik()) {
            assertThatThrownBy(() -> loader.loadClass("net.jqwik.api.Arbitrary")).isInstanceOf(ClassNotFoundException.class);
            Class<?> use = loader.loadClass(PlainKitUse.class.getName());
            assertThat(use.getClassLoader()).isSameAs(loader);
            @SuppressWarnings("unchecked")
            Supplier<String> run = (Supplier<String>) use.getConstructor().newInstance();
            assertThat(run.get()).matches("\\d+ ops, \\d+ objects");
        }
    }

    @Test
    void theJqwikGeneratorsAreTheOnlyPartThatNeedsJqwik() throws Exception {
        try (URLClassLoader loader = withoutJqwik()) {
            // Shows that the loader above would have caught a reference to jqwik.
            Class<?> arbitraries = loader.loadClass(CausalHistoryArbitraries.class.getName());
            assertThatThrownBy(() -> arbitraries.getMethod("histories").invoke(null))
                    .hasRootCauseInstanceOf(ClassNotFoundException.class)
                    .hasStackTraceContaining("net.jqwik.api");
        }
    }
}
