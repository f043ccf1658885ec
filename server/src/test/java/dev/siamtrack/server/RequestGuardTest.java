package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

    @Test
    void addressesLocalhostAndConfiguredNamesAreKnownHostsOtherNamesAreNot() {
        RequestGuard guard = new RequestGuard(null, List.of("Camera-Box.lan"));
        assertTrue(guard.knownHost("127.0.0.1:8080"));
        assertTrue(guard.knownHost("[::1]:8080"));
        assertTrue(guard.knownHost("[fe80::1]"));
        assertTrue(guard.knownHost("localhost:8080"));
        assertTrue(guard.knownHost("camera-box.LAN:8080"));
        assertFalse(guard.knownHost("attacker.example:8080"), "a rebound DNS name");
        assertFalse(guard.knownHost("127.0.0.1.attacker.example"));
    }

    /** The guard in front of one route on a real server: what passes and what is refused, and why. */
    @Test
    void tokenCookieAndOriginRules() throws Exception {
        RequestGuard guard = new RequestGuard("s3cret", List.of());
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.before(guard::checkSite);
            config.routes.before(guard::checkAccess);
            config.routes.get("/", ctx -> ctx.result("page"));
            config.routes.get("/healthz", ctx -> ctx.result("ok"));
            config.routes.post("/api/x", ctx -> ctx.result("done"));
            config.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).result(e.getMessage()));
        });
        app.start("127.0.0.1", 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the health check needs no token");
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, none.statusCode());
            assertEquals("access token required", none.body());
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/?token=s3cret")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith("siamtrack_token=s3cret;") && cookie.contains("HttpOnly")
                    && cookie.contains("SameSite=Strict"), cookie);
            HttpResponse<String> urlToken = http.send(HttpRequest.newBuilder(URI.create(base + "/api/x?token=s3cret"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, urlToken.statusCode(), "only the page takes a token in the URL");
            HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create(base + "/api/x"))
                    .header("Authorization", "Bearer s3cret").header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, crossSite.statusCode());
            HttpResponse<String> sameSite = http.send(HttpRequest.newBuilder(URI.create(base + "/api/x"))
                    .header("Cookie", "siamtrack_token=s3cret").header("Origin", base)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, sameSite.statusCode(), sameSite.body());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("wrong access token", wrong.body());
        } finally {
            app.stop();
        }
    }
}
