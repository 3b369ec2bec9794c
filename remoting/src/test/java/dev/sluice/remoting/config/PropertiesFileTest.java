package dev.sluice.remoting.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {
    @TempDir
    Path dir;

    @Test
    void changedEntriesAreReplacedWholeAndEverythingElseStays() throws Exception {
        Path file = dir.resolve("namesrv.properties");
        Files.writeString(file, String.join("\n",
                "# a comment ending in a backslash does not continue \\",
                "a = 1",
                "b = first, \\",
                "    second",
                "  ! indented comment",
                "",
                "a:2",
                "other=kept"), StandardCharsets.ISO_8859_1);

        PropertiesFile.update(file, Map.of("a", "9", "b", "one line", "c", "gr\u00fc\u00df \\ = #"));

        assertEquals(String.join("\n",
                "# a comment ending in a backslash does not continue \\",
                "a=9",
                "b=one line",
                "  ! indented comment",
                "",
                "other=kept",
                "c=gr\\u00FC\\u00DF \\\\ \\= \\#",
                ""), Files.readString(file, StandardCharsets.ISO_8859_1));
        assertEquals(Map.of("a", "9", "b", "one line", "c", "gr\u00fc\u00df \\ = #", "other", "kept"), load(file));
    }

    @Test
    void aMissingFileIsCreated() throws Exception {
        Path file = dir.resolve("sub/namesrv.properties");
        PropertiesFile.update(file, Map.of("orderMessageEnable", "true"));
        assertEquals("orderMessageEnable=true\n", Files.readString(file));
    }

    @Test
    void anotherSpellingOfAChangedKeyIsReplacedInPlace() throws Exception {
        Path file = dir.resolve("broker.properties");
        Files.writeString(file, "# retention\ndestoryMapedFileIntervalForcibly=120000\nfileReservedTime=48\n");
        PropertiesFile.update(file, Map.of("destroyMapedFileIntervalForcibly", "60000"),
                key -> key.equals("destoryMapedFileIntervalForcibly") ? "destroyMapedFileIntervalForcibly" : key);
        assertEquals("# retention\ndestroyMapedFileIntervalForcibly=60000\nfileReservedTime=48\n", Files.readString(file));
    }

    private static Map<String, String> load(Path file) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        Map<String, String> map = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }
}
