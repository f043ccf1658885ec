package dev.siamtrack.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The service's access token. Presented tokens are compared in constant time: both sides are hashed first, so
 * neither the content nor the length of the secret leaks through timing.
 */
final class AccessToken {

    private final byte[] expectedDigest;

    AccessToken(String token) {
        this.expectedDigest = digest(token);
    }

    boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(expectedDigest, digest(presented));
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
