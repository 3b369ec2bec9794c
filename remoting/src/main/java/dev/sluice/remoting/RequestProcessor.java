package dev.sluice.remoting;

/**
 * Handles requests of the codes it was registered for, on the executor it was registered with.
 * Exceptions become a SYSTEM_ERROR response whose remark names the problem.
 */
@FunctionalInterface
public interface RequestProcessor {
    /** @return the response, or null for none (oneway requests never get one, whatever is returned) */
    RemotingCommand process(RemotingConnection connection, RemotingCommand request) throws Exception;
}
