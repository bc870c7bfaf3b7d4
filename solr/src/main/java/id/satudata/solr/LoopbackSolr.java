package id.satudata.solr;

import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.core.CoreContainer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Starts Solr with an embedded Jetty on 127.0.0.1, serving the cores found in a
 * Solr home, and refuses to keep running when any core failed to load.
 *
 * <p>Usage: {@code LoopbackSolr <solr-home> <port>}. Exit codes: 2 bad usage or
 * missing solr.xml, 3 port already taken, 4 a core failed to load, 5 any other
 * start-up failure.
 */
public final class LoopbackSolr {

  private LoopbackSolr() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      fail(2, "usage: LoopbackSolr <solr-home> <port>");
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      fail(2, "no solr.xml in Solr home " + home);
    }

    JettyConfig config = JettyConfig.builder()
        .setContext("/solr")
        .setPort(port)
        .stopAtShutdown(true)
        .build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    try {
      runner.start();
    } catch (Exception e) {
      if (isBindFailure(e)) {
        fail(3, "port " + port + " on 127.0.0.1 is already in use");
      }
      fail(5, "Solr failed to start: " + e);
    }

    CoreContainer cores = runner.getCoreContainer();
    Map<String, CoreContainer.CoreLoadFailure> failures = cores.getCoreInitFailures();
    if (!failures.isEmpty()) {
      StringBuilder msg = new StringBuilder("Solr core(s) failed to load:");
      failures.forEach((name, failure) ->
          msg.append("\n  ").append(name).append(": ").append(rootCause(failure.exception)));
      runner.stop();
      fail(4, msg.toString());
    }
    if (cores.getAllCoreNames().isEmpty()) {
      runner.stop();
      fail(4, "Solr home " + home + " has no core");
    }

    System.out.println("Solr ready on http://127.0.0.1:" + runner.getLocalPort()
        + "/solr, cores " + cores.getAllCoreNames());
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception ignored) {
        // shutting down anyway
      }
      forever.countDown();
    }));
    forever.await();
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }

  private static void fail(int code, String message) {
    System.err.println("satudata-solr: " + message);
    System.exit(code);
  }
}
