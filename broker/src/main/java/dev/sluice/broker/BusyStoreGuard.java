package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import java.util.function.LongSupplier;

/**
 * RocketMQ's rejectRequest for sends: while an append has held the store's lock longer than
 * osPageCacheBusyTimeOutMills (a stalled disk under a page fault), a send is answered SYSTEM_BUSY at once rather than
 * queued behind it; on the I/O thread that serves the connection (sendOnIoThread) it would block every connection of
 * that thread too.
 */
final class BusyStoreGuard implements RequestProcessor {
    static final String REMARK = "[REJECTREQUEST]system busy, start flow control for a while";

    private final RequestProcessor sends;
    private final BrokerConfig config;
    private final LongSupplier appendLockHeldMillis;

    BusyStoreGuard(RequestProcessor sends, BrokerConfig config, LongSupplier appendLockHeldMillis) {
        this.sends = sends;
        this.config = config;
        this.appendLockHeldMillis = appendLockHeldMillis;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception {
        if (appendLockHeldMillis.getAsLong() > config.osPageCacheBusyTimeOutMills()) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_BUSY, REMARK);
        }
        return sends.process(connection, request);
    }
}
