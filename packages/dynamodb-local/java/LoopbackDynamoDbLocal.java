import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Runs the DynamoDB Local jar (same command-line options: -port, -inMemory, -dbPath, -sharedDb, ...) with three
 * changes, because the jar itself can do none of them:
 *
 * 1. Loopback only. The jar's Jetty server listens on every interface and has no option to choose one; here its
 *    connector is bound to 127.0.0.1 before it starts, so no other machine can connect.
 * 2. No browser. A request carrying an `Origin` header (every cross-origin request a web page makes, preflights
 *    included) or a `Host` other than 127.0.0.1 / localhost / [::1] (DNS rebinding) is refused with 403 and no CORS
 *    header, before DynamoDB Local sees it. SDKs and tools on this machine send neither.
 * 3. Dies with its parent. Standard input is a pipe from the Node process that started it, which never writes to
 *    it; when that process ends for any reason (SIGKILL and crashes included) the kernel closes the pipe, the read
 *    below returns end-of-file and the JVM exits.
 *
 * It also skips the jar's telemetry (ServerRunner.main would configure it; this does not).
 * Exit codes: 2 bad arguments, 3 could not listen (e.g. the port is taken), 4 unexpected jar internals.
 */
public final class LoopbackDynamoDbLocal {
  static final String HOST = "127.0.0.1";
  static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

  public static void main(String[] args) throws Exception {
    exitWhenStdinCloses();

    DynamoDBProxyServer proxy;
    try {
      proxy = ServerRunner.createServerFromCommandLineArgs(args);
    } catch (Exception error) {
      System.err.println("DynamoDB Local: bad arguments: " + error.getMessage());
      System.exit(2);
      return;
    }
    if (proxy == null) System.exit(2);

    Server server = jettyServerOf(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) fail(4, "DynamoDB Local: the jar's Jetty server has no connector");
    int port = -1;
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        fail(4, "DynamoDB Local: unexpected connector " + connector.getClass().getName() + "; refusing to listen on all interfaces");
      }
      ServerConnector network = (ServerConnector) connector;
      network.setHost(HOST);
      port = network.getPort();
    }
    server.setHandler(new BrowserGuard(server.getHandler()));

    try {
      proxy.safeStart();
    } catch (Throwable error) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      fail(3, "DynamoDB Local could not listen on " + HOST + ":" + port + ": " + error.getMessage() + " (" + cause.getMessage() + ")");
    }
    System.out.println("DynamoDB Local listening on " + HOST + ":" + port + " (loopback only)");
    proxy.join();
  }

  static Server jettyServerOf(DynamoDBProxyServer proxy) {
    try {
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      return (Server) field.get(proxy);
    } catch (ReflectiveOperationException | ClassCastException error) {
      fail(4, "DynamoDB Local: cannot reach the jar's Jetty server (" + error + "); refusing to listen on all interfaces");
      return null;
    }
  }

  static void exitWhenStdinCloses() {
    Thread watchdog = new Thread(() -> {
      InputStream in = System.in;
      byte[] buffer = new byte[256];
      try {
        while (in.read(buffer) != -1) {
          // nothing is ever written; only the end of the stream matters
        }
      } catch (IOException error) {
        // a broken pipe means the same thing
      }
      System.err.println("DynamoDB Local: the process that started it is gone (stdin closed); exiting");
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(3_000);
        } catch (InterruptedException ignored) {
          // halt anyway
        }
        Runtime.getRuntime().halt(0);
      });
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  static void fail(int code, String message) {
    System.err.println(message);
    System.exit(code);
  }

  /** Refuses browser requests (any Origin) and requests addressed to a non-loopback name (DNS rebinding). */
  static final class BrowserGuard extends Handler.Wrapper {
    BrowserGuard(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String origin = request.getHeaders().get(HttpHeader.ORIGIN);
      String host = request.getHeaders().get(HttpHeader.HOST);
      if (origin != null) return refuse(response, callback, "requests from web pages (with an Origin header) are refused");
      if (host != null && !LOOPBACK_HOSTS.contains(hostName(host))) {
        return refuse(response, callback, "only requests addressed to 127.0.0.1, localhost or [::1] are served");
      }
      return super.handle(request, response, callback);
    }

    static String hostName(String host) {
      String value = host.trim().toLowerCase(Locale.ROOT);
      if (value.startsWith("[")) {
        int end = value.indexOf(']');
        return end < 0 ? value : value.substring(0, end + 1);
      }
      int colon = value.indexOf(':');
      return colon < 0 ? value : value.substring(0, colon);
    }

    static boolean refuse(Response response, Callback callback, String message) {
      String body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#AccessDeniedException\",\"message\":\"DynamoDB Local (local stack): "
          + message + "\"}";
      response.setStatus(403);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.0");
      response.getHeaders().put("x-amzn-ErrorType", "AccessDeniedException");
      response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }
}
