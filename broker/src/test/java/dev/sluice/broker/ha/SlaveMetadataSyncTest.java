package dev.sluice.broker.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.broker.StubRemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnectException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which master a slave copies its metadata from, as the name server's reports change. */
class SlaveMetadataSyncTest {

    /** Records where each call went and fails it, as an unreachable master would. */
    private static final class RecordingClient extends StubRemotingClient {
        final List<String> called = new CopyOnWriteArrayList<>();

        @Override
        public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMillis)
                throws RemotingConnectException {
            called.add(address);
            throw new RemotingConnectException(address, null);
        }
    }

    @Test
    void aMasterReportedGoneStopsTheCopyingUntilOneIsReportedAgain() {
        RecordingClient client = new RecordingClient();
        SlaveMetadataSync sync = new SlaveMetadataSync(client, null, null, null, null);
        sync.masterAddress("127.0.0.1:1");
        sync.syncAll();
        assertEquals(List.of("127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:1", "127.0.0.1:1"), client.called);

        for (String gone : new String[] {null, "", "  "}) {
            sync.masterAddress("127.0.0.1:1");
            sync.masterAddress(gone);
            client.called.clear();
            sync.syncAll();
            assertEquals(List.of(), client.called, "no master after '" + gone + "'");
        }

        sync.masterAddress("127.0.0.1:2");
        sync.syncAll();
        assertEquals(4, client.called.stream().filter("127.0.0.1:2"::equals).count());
    }
}
