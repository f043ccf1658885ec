package dev.siamtrack.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The default setup (loopback, no token) against pages of other origins: a real Chromium page served from
 * another loopback port cannot add a target, and a rebound DNS name in {@code Host} is refused.
 */
class CrossSiteTest {

    private static final String BOX = "{\"x\":100,\"y\":100,\"w\":60,\"h\":60}";

    @TempDir
    Path profile;
    private static TrackingService service;
    private static ServiceClient client;

    @BeforeAll
    static void start() throws Exception {
        service = TrackingService.start(ServiceClient.options(
                List.of(new SourceConfig("demo", ServiceClient.DEMO.toString())), null, 4, Duration.ofSeconds(2), true, null));
        client = new ServiceClient(service.port(), null);
        client.awaitUp("demo", 30);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void aPageOnAnotherLoopbackPortCannotAddATarget() throws Exception {
        String targets = "http://127.0.0.1:" + service.port() + "/api/sources/demo/targets";
        // What any web page may send without asking the server first: a text/plain POST ("simple request").
        String page = "<!doctype html><title>loading</title><script>"
                + "fetch('" + targets + "', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},"
                + " body: '" + BOX + "'}).then(() => document.title = 'sent', e => document.title = 'failed ' + e);"
                + "</script>";
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        other.start();
        ChromeDriver browser = HeadlessChromium.start(profile);
        try {
            browser.get("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            String title = new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> d.getTitle().equals("loading") ? null : d.getTitle());
            assertEquals("sent", title, "the browser sent the request and got an answer");
            assertEquals(0, client.getJson("/api/sources/demo/targets").size(), "no target created");
        } finally {
            browser.quit();
            other.stop(0);
        }
    }

    @Test
    void foreignOriginsAndHostsAreRefusedAndTheServersOwnOriginIsNot() throws Exception {
        String targets = "/api/sources/demo/targets";
        for (String origin : List.of("http://127.0.0.1:1", "http://evil.example", "null")) {
            HttpResponse<String> r = client.http.send(client.request(targets).header("Origin", origin)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BOX)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), origin + ": " + r.body());
            assertTrue(r.body().contains("cross-site request refused"), r.body());
        }
        assertEquals(403, client.http.send(client.request(targets + "/t1").header("Origin", "http://evil.example")
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(0, client.getJson(targets).size());

        HttpResponse<String> own = client.http.send(client.request(targets)
                .header("Origin", "http://127.0.0.1:" + service.port()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BOX)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, own.statusCode(), own.body());
        assertEquals(204, client.delete(targets + "/" + ServiceClient.JSON.readTree(own.body()).path("id").asText()).statusCode());

        // DNS rebinding: a name that now points at 127.0.0.1 arrives as that name in Host.
        assertTrue(rawGet("/api/sources", "evil.example:" + service.port()).startsWith("HTTP/1.1 403"));
        assertTrue(rawGet("/healthz", "rebind.attacker.test").startsWith("HTTP/1.1 403"));
        for (String host : List.of("127.0.0.1:" + service.port(), "localhost:" + service.port(), "[::1]:" + service.port(),
                "LOCALHOST")) {
            assertTrue(rawGet("/api/sources", host).startsWith("HTTP/1.1 200"), host);
        }
    }

    /** The status line and headers of a GET with {@code Host} as given (java.net.http will not send a forged one). */
    private static String rawGet(String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
