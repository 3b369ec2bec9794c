package dev.sluice.store;

import java.util.List;

/**
 * Answer to a key query.
 *
 * @param indexEnabled false when the store runs without a key index ({@code messageIndexEnable=false});
 *                     then {@code commitLogOffsets} is empty
 * @param commitLogOffsets CommitLog offsets of matching messages, newest first
 */
public record KeyQueryResult(boolean indexEnabled, List<Long> commitLogOffsets) {
    public static final KeyQueryResult DISABLED = new KeyQueryResult(false, List.of());

    public KeyQueryResult {
        commitLogOffsets = List.copyOf(commitLogOffsets);
    }
}
