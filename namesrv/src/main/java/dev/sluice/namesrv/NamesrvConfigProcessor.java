package dev.sluice.namesrv;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.RequestProcessor;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.config.PropertiesFile;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET_NAMESRV_CONFIG and UPDATE_NAMESRV_CONFIG (mqadmin getNamesrvConfig / updateNamesrvConfig).
 *
 * <p>An update is all or nothing: every value must be valid, and the configuration the next start would read must
 * still start. The keys are then saved into the configStorePath file (the -c file), so they hold after a restart.
 * Keys that take effect while running are applied at once; keys fixed at start (listenPort, thread counts, the scan
 * interval) wait for the next start, as RocketMQ saves them for it, while getNamesrvConfig keeps showing what is in
 * force. A name server started without -c reads no file at start, so it refuses those. File paths are refused as in
 * RocketMQ 4.9.7, with NO_PERMISSION.
 */
final class NamesrvConfigProcessor implements RequestProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(NamesrvConfigProcessor.class);

    private final NamesrvConfig config;
    private final IntSupplier boundPort;

    NamesrvConfigProcessor(NamesrvConfig config, IntSupplier boundPort) {
        this.config = config;
        this.boundPort = boundPort;
    }

    @Override
    public RemotingCommand process(RemotingConnection connection, RemotingCommand request) {
        return switch (request.code()) {
            case RequestCode.GET_NAMESRV_CONFIG -> get(request);
            case RequestCode.UPDATE_NAMESRV_CONFIG -> update(connection, request);
            default -> throw new IllegalStateException("not registered for request code " + request.code());
        };
    }

    private RemotingCommand get(RemotingCommand request) {
        Map<String, String> settings = config.effectiveSettings();
        // A configured 0 means "any free port": the port in force is the one bound.
        settings.put("listenPort", String.valueOf(boundPort.getAsInt()));
        StringBuilder body = new StringBuilder();
        settings.forEach((key, value) -> body.append(PropertiesFile.line(key, value)).append('\n'));
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null)
                .setBody(body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Synchronized: two updates at once must not interleave their read-modify-write of the file. */
    private synchronized RemotingCommand update(RemotingConnection connection, RemotingCommand request) {
        if (request.body() == null) {
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }
        Properties changes;
        try {
            changes = parse(request.body());
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return RemotingCommand.responseTo(request, ResponseCode.SYSTEM_ERROR,
                    "the body is not UTF-8 properties text (key=value lines): " + e.getMessage());
        }
        SortedMap<String, String> values = new TreeMap<>();
        changes.stringPropertyNames().forEach(key -> values.put(key, changes.getProperty(key).trim()));
        if (values.isEmpty()) {
            return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
        }
        Properties now = new Properties();
        List<String> nextStart = new ArrayList<>();
        for (String key : values.keySet()) {
            Optional<NamesrvConfig.Change> change = NamesrvConfig.changeOf(key);
            if (change.isEmpty()) {
                return refuse(request, ResponseCode.SYSTEM_ERROR, "unknown name server setting: " + key);
            }
            if (change.get() == NamesrvConfig.Change.NEVER) {
                return refuse(request, ResponseCode.NO_PERMISSION, key + " is a file path and cannot be changed remotely");
            }
            if (change.get() == NamesrvConfig.Change.RESTART) {
                if (!config.startedFromConfigStore()) {
                    return refuse(request, ResponseCode.SYSTEM_ERROR, key + " takes effect at start only, and this name"
                            + " server was started without a -c file to keep it in: set it in a -c config file and restart");
                }
                nextStart.add(key);
            } else {
                now.setProperty(key, values.get(key));
            }
        }
        Path file = config.configStorePath();
        try {
            // A scratch copy first: one bad value must leave the running settings untouched, and the file saved must
            // still start a name server (with what earlier updates saved for the next start, too).
            NamesrvConfig next = new NamesrvConfig();
            Properties inForce = new Properties();
            inForce.putAll(config.effectiveSettings());
            next.apply(inForce);
            if (config.startedFromConfigStore()) {
                next.apply(PropertiesFile.read(file));
            }
            next.apply(changes);
        } catch (IOException e) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, "could not read " + file + ": " + e);
        } catch (IllegalArgumentException e) {
            return refuse(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
        try {
            PropertiesFile.update(file, values);
        } catch (IOException e) {
            LOG.error("could not save name server settings to {}", file, e);
            return refuse(request, ResponseCode.SYSTEM_ERROR, "could not save the settings to " + file + ": " + e);
        }
        config.apply(now);
        LOG.info("name server settings {} changed on request of {} and saved to {}{}", values, connection.remoteAddress(),
                file, nextStart.isEmpty() ? "" : "; " + nextStart + " take effect at the next start");
        return RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null);
    }

    /** Strict UTF-8: bytes that are not text are an error, not replacement characters saved into the config. */
    private static Properties parse(byte[] body) throws CharacterCodingException {
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
        return properties;
    }

    private static RemotingCommand refuse(RemotingCommand request, int code, String remark) {
        LOG.info("name server settings update refused: {}", remark);
        return RemotingCommand.responseTo(request, code, remark);
    }
}
