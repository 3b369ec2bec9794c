package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

/** A send reaches the send processor unless an append has held the store's lock past osPageCacheBusyTimeOutMills. */
class BusyStoreGuardProperties {
    @Property(tries = 300)
    void refusesExactlyWhileTheLockIsHeldPastTheTimeout(@ForAll @LongRange(max = 5000) long held,
                                                        @ForAll @LongRange(min = 1, max = 5000) long timeout) throws Exception {
        BrokerConfig config = BrokerConfig.defaults();
        config.set(BrokerConfig.OS_PAGE_CACHE_BUSY_TIME_OUT_MILLS, String.valueOf(timeout));
        AtomicInteger processed = new AtomicInteger();
        BusyStoreGuard guard = new BusyStoreGuard((connection, request) -> {
            processed.incrementAndGet();
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }, config, () -> held);

        RemotingCommand response = guard.process(null, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2));

        boolean busy = held > timeout;
        assertEquals(busy ? ResponseCode.SYSTEM_BUSY : ResponseCode.SUCCESS, response.code());
        assertEquals(busy ? BusyStoreGuard.REMARK : null, response.remark());
        assertEquals(busy ? 0 : 1, processed.get(), "a refused send never reaches the store");
    }
}
