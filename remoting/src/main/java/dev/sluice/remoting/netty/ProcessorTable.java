package dev.sluice.remoting.netty;

import dev.sluice.remoting.QueuedRequest;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingCommandException;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.log.LogLimit;
import io.netty.channel.Channel;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes each request to the processor registered for its code and runs it on that processor's executor. */
final class ProcessorTable {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorTable.class);

    private record Registration(RequestProcessor processor, Executor executor) {
    }

    private final ConcurrentMap<Integer, Registration> registrations = new ConcurrentHashMap<>();
    private final ResponseBacklog backlog = new ResponseBacklog();
    // what a peer causes once per request: logged at a bounded rate whatever its own
    private final LogLimit rejected = LogLimit.perMinute();
    private final LogLimit failed = LogLimit.perMinute();
    private final LogLimit unsent = LogLimit.perMinute();
    private final LogLimit onewayNotDone = LogLimit.perMinute();

    void register(int requestCode, RequestProcessor processor, Executor executor) {
        registrations.put(requestCode, new Registration(Objects.requireNonNull(processor), Objects.requireNonNull(executor)));
    }

    void dispatch(Channel channel, RemotingCommand request) {
        Registration registration = registrations.get(request.code());
        if (registration == null) {
            reply(channel, request, RemotingCommand.responseTo(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    " request type " + request.code() + " not supported"));
            return;
        }
        try {
            registration.executor.execute(new Task(channel, request, registration.processor));
        } catch (RejectedExecutionException e) {
            reply(channel, request, RemotingCommand.responseTo(request, ResponseCode.SYSTEM_BUSY,
                    "[OVERLOAD] too many requests of code " + request.code() + " waiting, try later"));
        }
    }

    private final class Task implements QueuedRequest {
        private final Channel channel;
        private final RemotingCommand request;
        private final RequestProcessor processor;

        Task(Channel channel, RemotingCommand request, RequestProcessor processor) {
            this.channel = channel;
            this.request = request;
            this.processor = processor;
        }

        @Override
        public void run() {
            String overloaded = backlog.refusal(channel);
            if (overloaded != null) {
                refuse(ResponseCode.SYSTEM_BUSY, overloaded);
                return;
            }
            reply(channel, request, process(processor, channel, request));
        }

        @Override
        public void refuse(int responseCode, String remark) {
            reply(channel, request, RemotingCommand.responseTo(request, responseCode, remark));
        }
    }

    private RemotingCommand process(RequestProcessor processor, Channel channel, RemotingCommand request) {
        try {
            return processor.process(NettyConnection.of(channel), request);
        } catch (RemotingCommandException e) {
            // A oneway one is logged once, as not done, by reply().
            String more = request.isOneway() ? null : rejected.next();
            if (more != null) {
                LOG.info("rejected request code {} from {}: {}{}", request.code(),
                        NettyConnection.format(channel.remoteAddress()), e.getMessage(), more);
            }
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
        } catch (Exception | Error e) {
            // Even an Error gets an answer: otherwise the caller would only learn of it by timing out.
            String more = failed.next();
            if (more != null) {
                LOG.warn("processing request code {} from {} failed{}", request.code(),
                        NettyConnection.format(channel.remoteAddress()), more, e);
            }
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "processing request code " + request.code() + " failed: " + e);
        }
    }

    private void reply(Channel channel, RemotingCommand request, RemotingCommand response) {
        if (response == null) {
            return;
        }
        if (request.isOneway()) {
            response.releaseBodyParts();
            String more;
            if (response.code() != ResponseCode.SUCCESS && (more = onewayNotDone.next()) != null) {
                // Its sender hears nothing: a flood of oneway sends the queue cannot hold is dropped (as RocketMQ's
                // broker drops it), and this is the only trace.
                LOG.warn("oneway request code {} from {} not done, its sender is not told: {} {}{}", request.code(),
                        NettyConnection.format(channel.remoteAddress()), response.code(), response.remark(), more);
            }
            return;
        }
        response.setOpaque(request.opaque());
        write(channel, response);
    }

    /**
     * Sends a response and releases its body buffers once the write is over, whether it succeeded or not; until
     * then its body counts in the connection's backlog.
     */
    void write(Channel channel, RemotingCommand response) {
        response.markResponse();
        int bytes = response.bodyLength();
        backlog.add(channel, bytes);
        channel.writeAndFlush(response).addListener(write -> {
            backlog.add(channel, -bytes);
            response.releaseBodyParts();
            String more;
            if (!write.isSuccess() && (more = unsent.next()) != null) {
                String text = "could not send response code {} with opaque {} on {}: {}{}";
                Object[] args = {response.code(), response.opaque(), NettyConnection.format(channel.remoteAddress()),
                        write.cause().toString(), more};
                if (ConnectionEvents.outOfMemory(write.cause())) {
                    LOG.warn(text, args);
                } else {
                    LOG.info(text, args);
                }
            }
        });
    }
}
