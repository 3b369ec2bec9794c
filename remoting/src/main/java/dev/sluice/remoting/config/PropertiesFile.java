package dev.sluice.remoting.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Properties text as java.util.Properties reads it, for the config files that UPDATE_NAMESRV_CONFIG and
 * UPDATE_BROKER_CONFIG save into. Changing keys of a file rewrites only their lines: an operator's comments, ordering
 * and keys this server does not know survive, which a rewrite through Properties.store would lose.
 */
public final class PropertiesFile {
    private PropertiesFile() {
    }

    /**
     * {@code key=value} escaped the way Properties.store escapes it, non-ASCII as \\uXXXX: whether read as a file
     * (ISO-8859-1) or, as RocketMQ's MixAll.string2Properties does, from UTF-8 bytes, it yields the same strings.
     */
    public static String line(String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            one.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String[] lines = out.toString(StandardCharsets.ISO_8859_1).split("\\R");
        // store writes a date comment first
        return lines[lines.length - 1];
    }

    /** The file's entries as Properties.load reads them at start; empty when there is no file. */
    public static Properties read(Path file) throws IOException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                properties.load(in);
            }
        }
        return properties;
    }

    /**
     * The file a server is started from ({@code -c}), as {@link #read} reads it.
     *
     * @throws IllegalArgumentException when there is no such file
     */
    public static Properties readStartupFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not a file");
        }
        return read(file);
    }

    /**
     * Replaces the entries of the changed keys in place, appends the keys the file lacks, and swaps the new content
     * in atomically, so a crash never leaves a half-written config behind. A missing file is created.
     */
    public static void update(Path file, Map<String, String> changes) throws IOException {
        update(file, changes, UnaryOperator.identity());
    }

    /**
     * As {@link #update(Path, Map)}, where a key of the file names the same setting as a changed key when both have
     * the same {@code canonical} name (another spelling of it is replaced too).
     */
    public static void update(Path file, Map<String, String> changes, UnaryOperator<String> canonical)
            throws IOException {
        Map<String, String> byCanonical = new HashMap<>();
        changes.keySet().forEach(key -> byCanonical.put(canonical.apply(key), key));
        Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
        // Properties.load(InputStream), which reads this file at start, decodes ISO-8859-1: reading it so keeps every byte.
        List<String> lines = Files.exists(target) ? Files.readAllLines(target, StandardCharsets.ISO_8859_1) : List.of();
        List<String> updated = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (int start = 0; start < lines.size(); ) {
            int end = endOfEntry(lines, start);
            List<String> entry = lines.subList(start, end);
            String fileKey = keyOf(entry);
            String key = fileKey == null ? null : byCanonical.get(canonical.apply(fileKey));
            if (key != null) {
                // A key defined twice keeps one line: a later duplicate would otherwise win when the file is loaded.
                if (written.add(key)) {
                    updated.add(line(key, changes.get(key)));
                }
            } else {
                updated.addAll(entry);
            }
            start = end;
        }
        changes.forEach((key, value) -> {
            if (!written.contains(key)) {
                updated.add(line(key, value));
            }
        });
        write(target, String.join("\n", updated) + "\n");
    }

    /** An entry spans the following lines while a line ends in an odd number of backslashes; comments never continue. */
    private static int endOfEntry(List<String> lines, int start) {
        int end = start;
        if (!isCommentOrBlank(lines.get(start))) {
            while (end + 1 < lines.size() && continues(lines.get(end))) {
                end++;
            }
        }
        return end + 1;
    }

    /** @return the key the entry defines, or null for a comment, a blank line or an entry Properties cannot read */
    private static String keyOf(List<String> entry) throws IOException {
        if (isCommentOrBlank(entry.get(0))) {
            return null;
        }
        Properties parsed = new Properties();
        try {
            parsed.load(new StringReader(String.join("\n", entry)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return parsed.stringPropertyNames().stream().findFirst().orElse(null);
    }

    private static boolean isCommentOrBlank(String line) {
        String text = line.replaceFirst("^[ \\t\\f]+", "");
        return text.isEmpty() || text.charAt(0) == '#' || text.charAt(0) == '!';
    }

    private static boolean continues(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static void write(Path target, String content) throws IOException {
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, target.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, content.getBytes(StandardCharsets.ISO_8859_1));
            // The temporary file is private to its owner; the config keeps the access it had.
            if (Files.exists(target) && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(target));
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
