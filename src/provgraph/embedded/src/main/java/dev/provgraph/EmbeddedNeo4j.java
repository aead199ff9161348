package dev.provgraph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Serves one Neo4j community database over Bolt on 127.0.0.1 for development, tests and CI.
 *
 * Usage: EmbeddedNeo4j DATA_DIR PORT [PAGECACHE_MB]
 *
 * Prints "PROVGRAPH-NEO4J READY bolt://127.0.0.1:PORT" once Bolt accepts connections; the Python side
 * waits for that line. SIGTERM/SIGINT run the shutdown hook, which checkpoints and closes the store, so a
 * stop never loses committed data. Authentication is off: the server only listens on loopback.
 */
public final class EmbeddedNeo4j {
    private EmbeddedNeo4j() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EmbeddedNeo4j DATA_DIR PORT [PAGECACHE_MB]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 512;

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                // The stores are checkpointed and closed before Bolt shuts down; Netty's default 5 s
                // quiet period (waited twice) would only make every stop take 10 s longer.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("PROVGRAPH-NEO4J STOPPING");
            dbms.shutdown();
            System.out.println("PROVGRAPH-NEO4J STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "provgraph-neo4j-shutdown"));

        // Touch the default database so "ready" means queries will work, not only that the socket is open.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("PROVGRAPH-NEO4J READY bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
