package dev.siamtrack.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Downloads a {@link ModelCatalog.Entry} into a models folder. Every file goes into a hidden staging folder
 * next to the target, is checked against its pinned size and SHA-256, and the model must load before the
 * folder is renamed into place: an interrupted or corrupt download never leaves a half-written model.
 */
public final class ModelDownloader {

    /** Told about the bytes received so far for each file, for progress output. */
    public interface Progress {
        void received(String file, long bytes, long total);
    }

    private static final int BUFFER = 64 * 1024;

    private final int timeoutMillis;

    /** @param timeout the longest wait for a connection or for the next bytes of an answer */
    public ModelDownloader(Duration timeout) {
        this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    }

    /**
     * Fetches {@code entry} from {@code base} (the catalog's origin or a mirror with the same layout) into
     * {@code modelsDir/<name>}.
     *
     * @param replace whether an installed model of that name is replaced; otherwise its presence is an error
     * @return the installed model directory
     */
    public Path download(ModelCatalog.Entry entry, URI base, Path modelsDir, boolean replace, Progress progress)
            throws ModelException {
        Path target = modelsDir.resolve(entry.name());
        if (Files.exists(target) && !replace) {
            throw new ModelException(target + " already exists; pass --force to download it again");
        }
        Path staging;
        try {
            Files.createDirectories(modelsDir);
            staging = Files.createTempDirectory(modelsDir, "." + entry.name() + ".part-");
        } catch (IOException e) {
            throw new ModelException("cannot write to " + modelsDir + ": " + e.getMessage(), e);
        }
        try {
            for (ModelCatalog.File file : entry.files()) {
                fetch(entry.uri(base, file), file, staging.resolve(file.name()), progress);
            }
            SiameseModel.load(staging, SiameseModel.Options.DEFAULT).close();
            install(staging, target);
            return target;
        } finally {
            deleteRecursively(staging);
        }
    }

    private void fetch(URI uri, ModelCatalog.File file, Path destination, Progress progress) throws ModelException {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelException("cannot download " + uri + ": " + describe(e), e);
        }
        // HttpURLConnection rather than java.net.http: only it bounds the wait for each read of the body.
        connection.setConnectTimeout(timeoutMillis);
        connection.setReadTimeout(timeoutMillis);
        connection.setInstanceFollowRedirects(true);
        try (InputStream body = open(connection, uri)) {
            MessageDigest sha = sha256();
            long received = 0;
            try (OutputStream out = Files.newOutputStream(destination)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    sha.update(buffer, 0, n);
                    received += n;
                    if (received > file.size()) {
                        throw new ModelException(uri + ": more than the expected " + file.size() + " bytes; not the pinned file");
                    }
                    progress.received(file.name(), received, file.size());
                }
            }
            if (received != file.size()) {
                throw new ModelException("download of " + uri + " broke off: " + received + " of " + file.size() + " bytes");
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(file.sha256())) {
                throw new ModelException("checksum mismatch for " + uri + ": expected SHA-256 " + file.sha256()
                        + ", got " + actual);
            }
        } catch (SocketTimeoutException e) {
            throw new ModelException("download of " + uri + " stalled: no data for " + timeoutMillis / 1000 + " s", e);
        } catch (IOException e) {
            throw new ModelException("download of " + uri + " broke off: " + describe(e), e);
        } finally {
            connection.disconnect();
        }
    }

    /** The answer's body once the server has said 200; the usual network failures in words. */
    private InputStream open(HttpURLConnection connection, URI uri) throws ModelException {
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new ModelException("cannot download " + uri + ": HTTP " + status);
            }
            return connection.getInputStream();
        } catch (SocketTimeoutException e) {
            throw new ModelException("cannot reach " + uri.getHost() + ": no answer within " + timeoutMillis / 1000
                    + " s (no network?)", e);
        } catch (ConnectException e) {
            throw new ModelException("cannot reach " + uri.getHost() + ": connection refused or no network", e);
        } catch (UnknownHostException e) {
            throw new ModelException("cannot reach " + uri.getHost() + ": host unknown (no network or DNS?)", e);
        } catch (IOException e) {
            throw new ModelException("cannot download " + uri + ": " + describe(e), e);
        }
    }

    /** Moves the checked staging folder into place; a replaced model is swapped out only once the new one is there. */
    private static void install(Path staging, Path target) throws ModelException {
        try {
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteRecursively(old);
            }
        } catch (IOException e) {
            throw new ModelException("cannot install the model into " + target + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover hidden staging folder is harmless: the next download uses a new one
        }
    }
}
