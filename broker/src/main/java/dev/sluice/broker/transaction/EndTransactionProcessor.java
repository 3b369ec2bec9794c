package dev.sluice.broker.transaction;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.log.LogLimit;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageStore;
import dev.sluice.store.SysFlag;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * END_TRANSACTION: commits or rolls back the half message at {@code commitLogOffset}. Any connection of the
 * producer group may end it (the producer that sent it may be gone). Clients send it oneway, so the answer only
 * matters to tools; problems are logged as well.
 */
final class EndTransactionProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EndTransactionProcessor.class);
    /** A producer can send bogus ends as fast as it likes. */
    private final LogLimit refusals = LogLimit.perMinute();

    private final BrokerConfig config;
    private final MessageStore store;
    private final TransactionLog log;

    EndTransactionProcessor(BrokerConfig config, MessageStore store, TransactionLog log) {
        this.config = config;
        this.store = store;
        this.log = log;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        if ("SLAVE".equals(config.brokerRole())) {
            return refuse(request, ResponseCode.SLAVE_NOT_AVAILABLE,
                    "Message store is slave mode, so end transaction is forbidden.");
        }
        String group = request.requireExtField("producerGroup");
        long tranStateTableOffset = request.requireLongExtField("tranStateTableOffset");
        long commitLogOffset = request.requireLongExtField("commitLogOffset");
        long type = request.requireLongExtField("commitOrRollback");
        request.requireExtField("msgId");
        if (type == SysFlag.TRANSACTION_NOT_TYPE) {
            // The producer does not know yet: the checker will ask again.
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }
        if (type != SysFlag.TRANSACTION_COMMIT_TYPE && type != SysFlag.TRANSACTION_ROLLBACK_TYPE) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "commitOrRollback " + type + " is neither 8 nor 12");
        }
        Optional<ByteBuffer> record = store.lookup(commitLogOffset);
        if (record.isEmpty()) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "Find prepared transaction message failed");
        }
        DecodedMessage half = MessageCodec.decode(record.get(), record.get().position());
        if (!HalfMessages.HALF_TOPIC.equals(half.topic())) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "the message at commitLogOffset " + commitLogOffset
                    + " is not a half message");
        }
        if (!group.equals(half.property(HalfMessages.PGROUP))) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "The producer group wrong");
        }
        if (half.queueOffset() != tranStateTableOffset) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "The transaction state table offset wrong");
        }
        boolean commit = type == SysFlag.TRANSACTION_COMMIT_TYPE;
        return switch (log.end(half, commit)) {
            case ENDED -> RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
            case ALREADY_ENDED -> {
                LOG.debug("transaction of half message {} was already ended", commitLogOffset);
                yield RemotingCommand.responseTo(request, ResponseCode.SUCCESS, "already ended");
            }
            case STORE_FAILED -> refuse(request, ResponseCode.SYSTEM_ERROR,
                    (commit ? "commit" : "rollback") + " failed: " + log.lastFailure());
        };
    }

    private RemotingCommand refuse(RemotingCommand request, int code, String remark) {
        String more = refusals.next();
        if (more != null) {
            LOG.warn("END_TRANSACTION refused: {}{}", remark, more);
        }
        return RemotingCommand.responseTo(request, code, remark);
    }
}
