package dev.sluice.remoting;

/**
 * Handles requests of the codes it was registered for, on the executor it was registered with.
 * Exceptions become a SYSTEM_ERROR response whose remark names the problem.
 */
@FunctionalInterface
public interface RequestProcessor {
    /**
     * @return the response, or null for none now: oneway requests never get one, and a processor that answers
     *         later (long polling) sends it with {@link RemotingServer#respond}
     */
    RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception;
}
