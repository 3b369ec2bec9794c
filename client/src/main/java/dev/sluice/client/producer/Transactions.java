package dev.sluice.client.producer;

import dev.sluice.client.ClientException;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.internal.ClientRuntime;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * END_TRANSACTION after a local transaction, and the answer to a broker's CHECK_TRANSACTION_STATE. Both are oneway,
 * as RocketMQ's client sends them: a lost one leaves the half message to the broker's next check.
 */
final class Transactions {
    /** The sysFlag bit of a half message. */
    static final int PREPARED = 0x4;
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private final ClientRuntime runtime;
    private final String group;
    private final TransactionListener listener;
    private final long timeoutMillis;

    Transactions(ClientRuntime runtime, String group, TransactionListener listener, long timeoutMillis) {
        this.runtime = runtime;
        this.group = group;
        this.listener = listener;
        this.timeoutMillis = timeoutMillis;
    }

    TransactionListener listener() {
        return listener;
    }

    /** Tells the broker that stored the half message how its transaction ended. */
    void end(SendResult half, String brokerAddress, TransactionState state, String failure) throws ClientException {
        long commitLogOffset = MessageDecoder.parseOffsetMsgId(half.offsetMsgId()).commitLogOffset();
        RemotingCommand end = request(half.queueOffset(), commitLogOffset, state, false, half.msgId(), half.msgId());
        end.setRemark(failure);
        runtime.brokers().oneway(half.queue().brokerName(), brokerAddress, end, timeoutMillis);
    }

    /** CHECK_TRANSACTION_STATE: asks the listener, then answers the broker that asked. No response of its own. */
    RemotingCommand checked(RemotingConnection connection, RemotingCommand request) throws RemotingCommandException {
        if (request.body() == null) {
            throw new RemotingCommandException("CHECK_TRANSACTION_STATE without the half message");
        }
        List<ReceivedMessage> decoded = MessageDecoder.decodeAll(request.body(), null);
        if (decoded.size() != 1) {
            throw new RemotingCommandException("CHECK_TRANSACTION_STATE carries " + decoded.size() + " messages, not one");
        }
        ReceivedMessage half = decoded.get(0);
        String uniqueKey = half.property(MessageProperty.UNIQ_KEY);
        String transactionId = request.extField("transactionId") != null ? request.extField("transactionId") : uniqueKey;
        TransactionState state;
        String failure = null;
        try {
            state = listener.check(half);
        } catch (RuntimeException e) {
            LOG.warn("checking transaction {} of group {} failed", transactionId, group, e);
            state = null;
            failure = "checkLocalTransactionState exception: " + e;
        }
        RemotingCommand end = request(request.requireLongExtField("tranStateTableOffset"),
                request.requireLongExtField("commitLogOffset"), state == null ? TransactionState.UNKNOWN : state, true,
                uniqueKey != null ? uniqueKey : request.extField("msgId"), transactionId);
        end.setRemark(failure);
        try {
            runtime.brokers().oneway("that asked", connection.remoteAddress(), end, timeoutMillis);
        } catch (ClientException e) {
            LOG.warn("could not answer the check of transaction {}: {}", transactionId, e.getMessage());
        }
        return null;
    }

    private RemotingCommand request(long tranStateTableOffset, long commitLogOffset, TransactionState state,
                                    boolean fromCheck, String msgId, String transactionId) {
        return RemotingCommand.request(RequestCode.END_TRANSACTION)
                .putExtField("producerGroup", group)
                .putExtField("tranStateTableOffset", tranStateTableOffset)
                .putExtField("commitLogOffset", commitLogOffset)
                .putExtField("commitOrRollback", state.wireCode())
                .putExtField("fromTransactionCheck", fromCheck)
                .putExtField("msgId", msgId)
                .putExtField("transactionId", transactionId);
    }
}
