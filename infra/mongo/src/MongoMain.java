import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;

/**
 * Starts an in-memory mongo-java-server on 127.0.0.1 and the port given (0 = a free one), prints
 * the bound port on stdout and runs until SIGTERM (a shutdown hook stops the server), or, with
 * --exit-with-stdin, until its stdin closes, so a test runner that dies leaves no server behind.
 */
public final class MongoMain {
  private MongoMain() {}

  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    boolean exitWithStdin = args.length > 1 && args[1].equals("--exit-with-stdin");
    // The Node driver (6.x, under mongoose 8) refuses servers older than MongoDB 4.2 (wire
    // version 8); mongo-java-server announces 3.6 unless told otherwise.
    MongoServer server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    server.bind("127.0.0.1", port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
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
