package dev.sluice.client.consumer;

import dev.sluice.client.ReceivedMessage;
import java.util.List;

/** A broker's answer to one pull: its code, where to continue, and the wanted messages (already tag-filtered). */
record PullResult(int code, String remark, long nextBeginOffset, long minOffset, long maxOffset, long suggestWhichBrokerId,
        List<ReceivedMessage> messages, long[] offsets) {
}
