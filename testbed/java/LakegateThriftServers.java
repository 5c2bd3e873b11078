// The test bed's driver entry point: Spark's HiveThriftServer2 (binary mode,
// with the Spark Connect plugin, as configured by the --hiveconf/--conf
// arguments), plus a second HiveServer2 endpoint in HTTP mode on the same
// SparkSession (same catalogs, same embedded metastore) when the system
// property lakegate.thrift.http.port is set. HiveThriftServer2 serves one
// transport per instance, and the embedded Derby metastore allows one
// process, hence a second instance in this driver rather than a second
// driver. Written for lakegate's test bed (scripts/testbed).
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.apache.spark.sql.hive.thriftserver.SparkSQLEnv;

public final class LakegateThriftServers {
  private LakegateThriftServers() {}

  public static void main(String[] args) throws Exception {
    HiveThriftServer2.main(args);
    // Note: Spark's HTTP-mode server listens on all interfaces whatever the
    // bind host (its Jetty connector is not given one).
    String httpPort = System.getProperty("lakegate.thrift.http.port", "");
    if (httpPort.isEmpty()) {
      return;
    }
    // The server's HiveConf is built from system properties (where
    // --hiveconf put the binary server's settings), then overwritten by the
    // session's Hadoop configuration and SQL conf: set all three.
    String[][] settings = {
      {"hive.server2.transport.mode", "http"},
      {"hive.server2.thrift.http.port", httpPort},
      {"hive.server2.thrift.http.path", "cliservice"},
    };
    var session = SparkSQLEnv.sparkSession();
    Configuration hadoop = session.sparkContext().hadoopConfiguration();
    for (String[] setting : settings) {
      System.setProperty(setting[0], setting[1]);
      hadoop.set(setting[0], setting[1]);
      session.conf().set(setting[0], setting[1]);
    }
    // On a thread of its own: Hive keeps the binary server's SessionState
    // (and its HiveConf) in a thread-local of this thread, and would reuse it.
    Thread starter = new Thread(() -> HiveThriftServer2.startWithSparkSession(session, false),
        "lakegate-thrift-http-start");
    starter.start();
    starter.join();
    System.out.println("lakegate: HiveServer2 HTTP endpoint on port " + httpPort);
  }
}
