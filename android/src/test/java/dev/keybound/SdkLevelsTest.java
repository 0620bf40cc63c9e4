package dev.keybound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The API levels the Robolectric tests run on (robolectric.properties) are
 * exactly the android-all jars the install step fetches (host-tests/android-all.tsv),
 * and they include every level the issue names.
 */
class SdkLevelsTest {
    private static List<Integer> configured() throws IOException {
        Properties props = new Properties();
        try (InputStream in = SdkLevelsTest.class.getResourceAsStream("/robolectric.properties")) {
            assertNotNull(in, "robolectric.properties on the test classpath");
            props.load(in);
        }
        return Arrays.stream(props.getProperty("sdk").split(",")).map(String::trim).map(Integer::valueOf)
                .collect(Collectors.toList());
    }

    private static List<Integer> fetched() throws IOException {
        List<Integer> levels = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("android-all.tsv"), StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                levels.add(Integer.valueOf(line.split("\t")[0]));
            }
        }
        return levels;
    }

    @Test
    void robolectricRunsOnExactlyTheFetchedLevels() throws IOException {
        assertEquals(fetched(), configured());
    }

    @Test
    void theLevelsIncludeEveryOneKeyboundPromisesToCheck() throws IOException {
        assertTrue(configured().containsAll(List.of(28, 29, 30, 33, 35)), configured().toString());
    }
}
