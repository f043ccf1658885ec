package dev.siamtrack.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every request must pass before its route runs. A {@code Host} that is not an IP address, {@code localhost}
 * or a configured host name is refused (DNS rebinding); so is a state-changing request from another
 * {@code Origin} (cross-site writes). With an access token configured, every request but the health check must
 * carry it: {@code Authorization: Bearer TOKEN} or the page's cookie. The page is opened once as
 * {@code /?token=TOKEN}, which sets that same-site, HTTP-only cookie; no other URL takes a token.
 */
final class RequestGuard {

    private static final Set<HandlerType> STATE_CHANGING = Set.of(HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+]");
    private static final Set<String> PAGE_PATHS = Set.of("/", "/index.html");
    private static final String TOKEN_COOKIE = "siamtrack_token";

    private final AccessToken token;
    private final Set<String> hostNames = new HashSet<>();

    /**
     * @param token     the access token, or {@code null} for none
     * @param hostNames the names (besides IP addresses and localhost) clients may reach the server by
     */
    RequestGuard(String token, List<String> hostNames) {
        this.token = token == null ? null : new AccessToken(token);
        hostNames.forEach(h -> this.hostNames.add(h.toLowerCase(Locale.ROOT)));
        this.hostNames.add("localhost");
    }

    /**
     * Refuses a {@code Host} this server does not answer to (a rebound DNS name), and a state-changing request
     * sent by a page of another origin.
     */
    void checkSite(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        String host = ctx.header("Host");
        if (host == null || !knownHost(host)) {
            throw new ApiException(403, "Host '" + host + "' is not a name of this server (add it with --host-name)");
        }
        String origin = ctx.header("Origin");
        if (STATE_CHANGING.contains(ctx.method()) && origin != null
                && !origin.equalsIgnoreCase("http://" + host) && !origin.equalsIgnoreCase("https://" + host)) {
            throw new ApiException(403, "cross-site request refused: Origin " + origin + " is not this server");
        }
    }

    /** An IP address cannot be rebound to another machine; a name must be localhost or configured. */
    boolean knownHost(String hostHeader) {
        String name = hostHeader;
        int colon = hostHeader.lastIndexOf(':');
        if (colon > hostHeader.lastIndexOf(']')) {
            name = hostHeader.substring(0, colon);
        }
        return IP_LITERAL.matcher(name).matches() || hostNames.contains(name.toLowerCase(Locale.ROOT));
    }

    void checkAccess(Context ctx) {
        if (token == null || ctx.path().equals("/healthz")) {
            return;
        }
        boolean pageLogin = ctx.method() == HandlerType.GET && PAGE_PATHS.contains(ctx.path());
        if (ctx.queryParam("token") != null && !pageLogin) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "a token in the URL is only taken by the page (/?token=...): send "
                    + "'Authorization: Bearer TOKEN'");
        }
        String presented = null;
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        } else if (pageLogin && ctx.queryParam("token") != null) {
            presented = ctx.queryParam("token");
        } else if (ctx.cookie(TOKEN_COOKIE) != null) {
            presented = URLDecoder.decode(ctx.cookie(TOKEN_COOKIE), StandardCharsets.UTF_8);
        }
        if (!token.matches(presented)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, presented == null ? "access token required" : "wrong access token");
        }
        if (pageLogin && ctx.queryParam("token") != null) {
            // The page opened with ?token= keeps it in a same-site cookie, so its scripts, pictures and event
            // stream are authorised without the token in any URL.
            ctx.res().addHeader("Set-Cookie", TOKEN_COOKIE + "=" + URLEncoder.encode(presented, StandardCharsets.UTF_8)
                    + "; Path=/; HttpOnly; SameSite=Strict");
        }
    }
}
