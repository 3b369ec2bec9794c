package dev.sluice.client.consumer;

import dev.sluice.client.MessageProperty;
import dev.sluice.client.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;

/** Runs the listener over fetched messages; concurrent and orderly consumption differ in how. */
interface Consumption {
    void submit(ProcessQueue queue, List<ReceivedMessage> messages);

    /**
     * Runs the listener once over a message an operator sent (CONSUME_MESSAGE_DIRECTLY, mqadmin queryMsgById -g -d),
     * outside any queue: nothing is sent back, committed or counted whatever the listener answers.
     */
    DirectResult consumeDirectly(List<ReceivedMessage> messages);

    /** Messages pulled from %RETRY%group are shown under the topic they were first sent to. */
    static List<ReceivedMessage> asSent(List<ReceivedMessage> pulled) {
        List<ReceivedMessage> view = new ArrayList<>(pulled.size());
        for (ReceivedMessage m : pulled) {
            String original = m.property(MessageProperty.RETRY_TOPIC);
            view.add(original != null && m.topic().startsWith("%RETRY%") ? m.withTopicAndBroker(original, m.brokerName()) : m);
        }
        return view;
    }
}
