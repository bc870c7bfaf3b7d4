package id.satudata.solr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A SolrCloud cluster on 127.0.0.1 for ckanext-satudata: an embedded ZooKeeper,
 * Solr nodes on fixed ports ({@link MiniSolrCloudCluster} of Solr's test
 * framework), CKAN's configset uploaded, and one collection with its shards
 * replicated so that every node holds a replica of every shard.
 *
 * <p>Usage: {@code CloudSolr --dir DIR --conf CONF_DIR --schema CKAN_SCHEMA_XML
 * --zk-port N --control-port N --ports P1,P2 [--collection ckan] [--shards 2]
 * [--replicas 2]}. DIR is wiped: every start is a new, empty cluster (CKAN's
 * {@code ckan search-index rebuild} fills it).
 *
 * <p>The configset is {@code CONF_DIR} (solrconfig.xml, protwords.txt,
 * synonyms.txt) with CKAN's schema.xml, whose {@code _version_} field is made a
 * long: SolrCloud keeps an update log to bring a replica back in step after a
 * node stops, and the log needs {@code _version_} to be a long (CKAN's schema
 * declares it a string; see ckan/ckan#9088). The configset's solrconfig.xml
 * keeps the update log ({@code satudata.updateLog}, true by default): every
 * commit CKAN asks for is a soft one, and the log keeps the changes until the
 * next automatic hard commit.
 *
 * <p>{@code CloudSolr --write-configset OUT --conf CONF_DIR --schema CKAN_SCHEMA_XML}
 * only writes that configset to OUT and exits: to upload to a production
 * SolrCloud with {@code bin/solr zk upconfig}, and for the single node of
 * {@link LoopbackSolr} (scripts/services.sh), which takes the same configset.
 *
 * <p>Once the collection is active it prints {@code zk ...}, one {@code node N
 * URL} line per node and a last line {@code ready ...}, then answers one-line
 * commands on 127.0.0.1:{@code control-port} (one command per connection, one
 * line back, {@code ok ...} or {@code error ...}):
 *
 * <ul>
 *   <li>{@code status}: each node up or down, each replica's state, the leaders;
 *   <li>{@code stop-node N}: stops node N (1-based) as a shut-down server does;
 *   <li>{@code start-node N}: starts node N again on its port, with its data,
 *       and answers once every replica of the collection is active again;
 *   <li>{@code shutdown}: stops the cluster and exits.
 * </ul>
 *
 * <p>Exit codes: 2 bad usage, 3 a port already taken, 5 any other start-up
 * failure.
 */
public final class CloudSolr {

  private static final int ACTIVE_TIMEOUT_S = 180;

  private final MiniSolrCloudCluster cluster;
  private final ZkTestServer zk;
  private final List<JettySolrRunner> nodes;
  /** Node names as ZooKeeper knows them (host:port_solr), kept while a node is down. */
  private final List<String> nodeNames = new ArrayList<>();
  private final String collection;
  private final int shards;
  private final int replicas;

  private CloudSolr(MiniSolrCloudCluster cluster, ZkTestServer zk, List<JettySolrRunner> nodes,
                    String collection, int shards, int replicas) {
    this.cluster = cluster;
    this.zk = zk;
    this.nodes = nodes;
    this.collection = collection;
    this.shards = shards;
    this.replicas = replicas;
    for (JettySolrRunner node : nodes) {
      nodeNames.add(node.getNodeName());
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    if (opts.containsKey("write-configset")) {
      Path out = Path.of(opts.get("write-configset")).toAbsolutePath();
      assembleConfigset(Path.of(required(opts, "conf")).toAbsolutePath(),
          Path.of(required(opts, "schema")).toAbsolutePath(), out);
      System.out.println("configset written to " + out);
      return;
    }
    Path dir = Path.of(required(opts, "dir")).toAbsolutePath();
    Path conf = Path.of(required(opts, "conf")).toAbsolutePath();
    Path schema = Path.of(required(opts, "schema")).toAbsolutePath();
    int zkPort = Integer.parseInt(required(opts, "zk-port"));
    int controlPort = Integer.parseInt(required(opts, "control-port"));
    List<Integer> ports = new ArrayList<>();
    for (String p : required(opts, "ports").split(",")) {
      ports.add(Integer.parseInt(p.trim()));
    }
    String collection = opts.getOrDefault("collection", "ckan");
    int shards = Integer.parseInt(opts.getOrDefault("shards", "2"));
    int replicas = Integer.parseInt(opts.getOrDefault("replicas", "2"));
    if (!Files.isRegularFile(conf.resolve("solrconfig.xml"))) {
      fail(2, "no solrconfig.xml in " + conf);
    }
    if (!Files.isRegularFile(schema)) {
      fail(2, "no CKAN schema at " + schema);
    }

    // every port is checked before anything starts: a clear message, no half cluster
    ServerSocket control = null;
    try {
      for (int port : ports) {
        checkFree(port);
      }
      checkFree(zkPort);
      control = new ServerSocket(controlPort, 8, InetAddress.getLoopbackAddress());
    } catch (BindException e) {
      fail(3, e.getMessage());
    }

    wipe(dir);
    Files.createDirectories(dir);
    Path configset = assembleConfigset(conf, schema, dir.resolve("configset"));

    long started = System.nanoTime();
    CloudSolr cloud = null;
    try {
      cloud = start(dir, configset, zkPort, ports, collection, shards, replicas);
    } catch (Exception e) {
      if (isBindFailure(e)) {
        fail(3, "a port of " + ports + " or " + zkPort + " on 127.0.0.1 is already in use");
      }
      e.printStackTrace();
      fail(5, "SolrCloud failed to start: " + e);
    }
    final CloudSolr running = cloud;
    final ServerSocket server = control;
    Runtime.getRuntime().addShutdownHook(new Thread(running::shutdownQuietly));

    System.out.println("zk 127.0.0.1:" + zkPort + "/solr");
    for (int i = 0; i < running.nodes.size(); i++) {
      System.out.println("node " + (i + 1) + " " + running.nodes.get(i).getBaseUrl());
    }
    System.out.printf("ready collection %s, %d shards x %d replicas, active after %.1f s,"
            + " control 127.0.0.1:%d%n", collection, shards, replicas,
        (System.nanoTime() - started) / 1e9, controlPort);
    System.out.flush();
    running.serve(server);
  }

  private static CloudSolr start(Path dir, Path configset, int zkPort, List<Integer> ports,
                                 String collection, int shards, int replicas) throws Exception {
    ZkTestServer zk = new ZkTestServer(dir.resolve("zookeeper/server1/data"), zkPort);
    zk.run(true);
    JettyConfig jetty = JettyConfig.builder().setContext("/solr").stopAtShutdown(false).build();
    MiniSolrCloudCluster cluster = new MiniSolrCloudCluster(
        0, dir, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML, jetty, zk, false);
    List<JettySolrRunner> nodes = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      JettyConfig config = JettyConfig.builder(jetty).setPort(ports.get(i)).build();
      nodes.add(cluster.startJettySolrRunner("node" + (i + 1), "/solr", config));
    }
    cluster.waitForAllNodes(60);
    cluster.uploadConfigSet(configset, "ckan");
    CollectionAdminRequest.createCollection(collection, "ckan", shards, replicas)
        .process(cluster.getSolrClient());
    cluster.waitForActiveCollection(collection, ACTIVE_TIMEOUT_S, TimeUnit.SECONDS,
        shards, shards * replicas);
    CloudSolr cloud = new CloudSolr(cluster, zk, nodes, collection, shards, replicas);
    cloud.checkSpread();
    return cloud;
  }

  /** Every node holds a replica of every shard, so any one node can serve the collection. */
  private void checkSpread() {
    if (replicas < nodes.size()) {
      return;
    }
    DocCollection state = cluster.getZkStateReader().getClusterState().getCollection(collection);
    for (String name : nodeNames) {
      for (Slice slice : state.getSlices()) {
        boolean held = slice.getReplicas().stream()
            .anyMatch(r -> r.getNodeName().equals(name));
        if (!held) {
          throw new IllegalStateException("node " + name + " holds no replica of "
              + slice.getName());
        }
      }
    }
  }

  // --- the control port ------------------------------------------------------------

  private void serve(ServerSocket server) throws IOException {
    while (true) {
      try (Socket socket = server.accept();
           BufferedReader in = new BufferedReader(
               new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter out = new PrintWriter(socket.getOutputStream(), true,
               StandardCharsets.UTF_8)) {
        String line = in.readLine();
        String reply;
        boolean exit = false;
        try {
          String[] words = line == null ? new String[0] : line.trim().split("\\s+");
          String command = words.length > 0 ? words[0] : "";
          switch (command) {
            case "status" -> reply = "ok " + status();
            case "stop-node" -> reply = "ok " + stopNode(nodeIndex(words));
            case "start-node" -> reply = "ok " + startNode(nodeIndex(words));
            case "shutdown" -> {
              reply = "ok shutting down";
              exit = true;
            }
            default -> reply = "error unknown command '" + line
                + "' (status, stop-node N, start-node N, shutdown)";
          }
        } catch (Exception e) {
          reply = "error " + e.getMessage();
        }
        out.println(reply);
        System.out.println("control: " + line + " -> " + reply);
        System.out.flush();
        if (exit) {
          server.close();
          System.exit(0); // the shutdown hook stops the cluster
        }
      }
    }
  }

  private int nodeIndex(String[] words) {
    if (words.length != 2) {
      throw new IllegalArgumentException("give a node number, 1 to " + nodes.size());
    }
    int n = Integer.parseInt(words[1]);
    if (n < 1 || n > nodes.size()) {
      throw new IllegalArgumentException("no node " + n + " (1 to " + nodes.size() + ")");
    }
    return n - 1;
  }

  private String stopNode(int i) throws Exception {
    JettySolrRunner node = nodes.get(i);
    if (node.isStopped()) {
      return "node " + (i + 1) + " already stopped";
    }
    long t0 = System.nanoTime();
    cluster.stopJettySolrRunner(node);
    cluster.waitForJettyToStop(node);
    return String.format("node %d stopped in %.1f s", i + 1, (System.nanoTime() - t0) / 1e9);
  }

  private String startNode(int i) throws Exception {
    JettySolrRunner node = nodes.get(i);
    if (node.isRunning()) {
      return "node " + (i + 1) + " already running";
    }
    long t0 = System.nanoTime();
    cluster.startJettySolrRunner(node, true); // the same port, so the same node name
    cluster.waitForNode(node, 60);
    cluster.waitForActiveCollection(collection, ACTIVE_TIMEOUT_S, TimeUnit.SECONDS,
        shards, shards * replicas);
    return String.format("node %d running again, every replica active after %.1f s", i + 1,
        (System.nanoTime() - t0) / 1e9);
  }

  /** e.g. {@code node1=up node2=down ckan: shard1 [node1*:active node2:down] ...}. */
  private String status() throws Exception {
    StringBuilder s = new StringBuilder();
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      JettySolrRunner node = nodes.get(i);
      names.put(nodeNames.get(i), "node" + (i + 1));
      s.append("node").append(i + 1).append(node.isRunning() ? "=up " : "=down ");
    }
    cluster.getZkStateReader().forceUpdateCollection(collection);
    DocCollection state = cluster.getZkStateReader().getClusterState().getCollection(collection);
    s.append(collection).append(':');
    List<Slice> slices = new ArrayList<>(state.getSlices());
    slices.sort(Comparator.comparing(Slice::getName));
    for (Slice slice : slices) {
      s.append(' ').append(slice.getName()).append(" [");
      Replica leader = slice.getLeader();
      List<String> parts = new ArrayList<>();
      for (Replica r : slice.getReplicas()) {
        boolean live = cluster.getZkStateReader().getClusterState().liveNodesContain(
            r.getNodeName());
        parts.add(names.getOrDefault(r.getNodeName(), r.getNodeName())
            + (leader != null && leader.getName().equals(r.getName()) ? "*" : "")
            + ":" + (live ? r.getState().toString().toLowerCase() : "down"));
      }
      s.append(String.join(" ", parts)).append(']');
    }
    return s.toString();
  }

  private void shutdownQuietly() {
    try {
      cluster.shutdown();
    } catch (Exception ignored) {
      // exiting anyway
    }
    try {
      zk.shutdown();
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  // --- the configset ------------------------------------------------------------------

  /**
   * {@code conf} with CKAN's schema beside it, {@code _version_} made a long with doc
   * values (what SolrCloud's update log needs; the schema keeps its name, which CKAN
   * checks); solrconfig.xml keeps the update log, which needs it.
   */
  static Path assembleConfigset(Path conf, Path ckanSchema, Path out) throws IOException {
    Files.createDirectories(out);
    try (Stream<Path> files = Files.list(conf)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, out.resolve(f.getFileName()));
        }
      }
    }
    String schema = Files.readString(ckanSchema, StandardCharsets.UTF_8);
    String version = "<field name=\"_version_\" type=\"string\" indexed=\"true\" stored=\"true\"/>";
    if (!schema.contains(version)) {
      throw new IOException("CKAN's schema at " + ckanSchema + " has no '" + version
          + "' to adapt for SolrCloud");
    }
    schema = schema.replace(version, "<field name=\"_version_\" type=\"plong\" indexed=\"true\""
        + " stored=\"true\" docValues=\"true\"/>");
    Files.writeString(out.resolve("schema.xml"), schema, StandardCharsets.UTF_8);
    return out;
  }

  // --- helpers --------------------------------------------------------------------------

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        fail(2, "usage: CloudSolr --dir DIR --conf CONF_DIR --schema SCHEMA_XML --zk-port N"
            + " --control-port N --ports P1,P2 [--collection C] [--shards N] [--replicas N]\n"
            + "   or: CloudSolr --write-configset OUT --conf CONF_DIR --schema SCHEMA_XML");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  private static String required(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null) {
      fail(2, "--" + name + " is required");
    }
    return value;
  }

  private static void checkFree(int port) throws BindException {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      throw new BindException("port " + port + " on 127.0.0.1 is already in use");
    }
  }

  private static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private static void fail(int code, String message) {
    System.err.println("satudata-solrcloud: " + message);
    System.exit(code);
  }
}
