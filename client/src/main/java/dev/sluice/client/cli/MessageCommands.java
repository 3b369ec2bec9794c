package dev.sluice.client.cli;

import static dev.sluice.client.cli.Format.f;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.admin.Admin;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/** Message look-ups: by key, by id, by queue offset. */
final class MessageCommands {
    /** RocketMQ's tool asks each broker for at most 64 matches over all time. */
    private static final int MAX_PER_BROKER = 64;

    private MessageCommands() {
    }

    static List<Command> all() {
        return List.of(
                new Command("queryMsgByKey", "Find messages by key",
                        List.of(Option.required("t", "topic", "topic", "topic name"),
                                Option.required("k", "msgKey", "key", "message key")),
                        MessageCommands::queryByKey),
                new Command("queryMsgById", "Print messages by offset message id (or by client id with -t)",
                        List.of(Option.required("i", "msgId", "ids", "message ids, comma separated"),
                                Option.optional("t", "topic", "topic", "topic, to look up client-generated ids (UNIQ_KEY)")),
                        MessageCommands::queryById),
                new Command("queryMsgByUniqueKey", "Print the message with a client-generated id (UNIQ_KEY)",
                        List.of(Option.required("i", "msgId", "id", "the message's client id"),
                                Option.required("t", "topic", "topic", "topic name")),
                        MessageCommands::queryByUniqueKey),
                new Command("queryMsgByOffset", "Print the message at an offset of a queue",
                        List.of(Option.required("t", "topic", "topic", "topic name"),
                                Option.required("b", "brokerName", "name", "broker name"),
                                Option.required("i", "queueId", "id", "queue id"),
                                Option.required("o", "offset", "offset", "queue offset")),
                        MessageCommands::queryByOffset));
    }

    private static void queryByKey(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        List<ReceivedMessage> found = admin.queryByKey(args.get("topic"), args.get("msgKey"), MAX_PER_BROKER, 0, Long.MAX_VALUE);
        out.print(f("%-50s %4s %40s%n", "#Message ID", "#QID", "#Offset"));
        for (ReceivedMessage m : found) {
            out.print(f("%-50s %4d %40d%n", m.msgId(), m.queueId(), m.queueOffset()));
        }
    }

    private static void queryById(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String topic = args.get("topic");
        for (String id : args.get("msgId").split(",")) {
            String msgId = id.trim();
            if (msgId.isEmpty()) {
                continue;
            }
            ReceivedMessage message;
            if (topic == null) {
                message = admin.viewMessage(msgId);
            } else {
                Optional<ReceivedMessage> byKey = admin.queryByUniqueKey(topic, msgId);
                if (byKey.isPresent()) {
                    message = byKey.get();
                } else {
                    message = viewOrNull(admin, msgId);
                    if (message == null) {
                        throw new ClientException("no message " + msgId + " in topic " + topic);
                    }
                }
            }
            Format.message(out, message);
            out.println();
        }
    }

    private static void queryByUniqueKey(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        String topic = args.get("topic");
        String msgId = args.get("msgId").trim();
        Format.message(out, admin.queryByUniqueKey(topic, msgId)
                .orElseThrow(() -> new ClientException("no message " + msgId + " in topic " + topic)));
    }

    /** The message an offset id names, or null when the id is not one (a client id, say). */
    private static ReceivedMessage viewOrNull(Admin admin, String msgId) {
        try {
            return admin.viewMessage(msgId);
        } catch (ClientException e) {
            return null;
        }
    }

    private static void queryByOffset(ParsedArgs args, Admin admin, PrintStream out) throws Exception {
        MessageQueue queue = new MessageQueue(args.get("topic"), args.get("brokerName"), args.getInt("queueId", 0));
        long offset = args.getLong("offset", 0);
        ReceivedMessage message = admin.messageAt(queue, offset)
                .orElseThrow(() -> new ClientException("no message at offset " + offset + " of " + queue));
        Format.message(out, message);
    }
}
