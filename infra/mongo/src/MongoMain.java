import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Starts mongo-java-server on 127.0.0.1 and the port given (0 = a free one), prints the bound port
 * on stdout and runs until SIGTERM (a shutdown hook stops the server), or, with --exit-with-stdin,
 * until its stdin closes, so a test runner that dies leaves no server behind. In memory, or with
 * --data-file PATH in an H2 MVStore file that a later start on the same file opens again.
 */
public final class MongoMain {
  private MongoMain() {}

  public static void main(String[] args) throws IOException {
    List<String> options = Arrays.asList(args);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    boolean exitWithStdin = options.contains("--exit-with-stdin");
    int dataFile = options.indexOf("--data-file");
    // The Node driver (6.x, under mongoose 8) refuses servers older than MongoDB 4.2 (wire
    // version 8); mongo-java-server announces 3.6 unless told otherwise.
    MongoBackend backend = (dataFile < 0 ? new MemoryBackend() : new H2Backend(args[dataFile + 1])).version(ServerVersion.MONGO_5_0);
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    // shutdown() closes the connections with the event loops; then the backend closes, which
    // writes the H2 store's last changes to its file (it otherwise commits them every second).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      backend.close();
    }));
    System.out.println(server.getLocalAddress().getPort());
    System.out.flush();
    if (exitWithStdin) {
      while (System.in.read() != -1) {
        // Nothing is read from stdin: it only tells that the parent is alive.
      }
      System.exit(0);
    }
  }
}
