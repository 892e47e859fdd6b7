import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Starts mongo-java-server on 127.0.0.1 and the port given (0 = a free one), prints the bound port
 * on stdout and runs until SIGTERM (a shutdown hook stops the server), or, with --exit-with-stdin,
 * until its stdin closes, so a test runner that dies leaves no server behind. In memory, or with
 * --data-file PATH in an H2 MVStore file that a later start on the same file opens again, each
 * acknowledged write in it (DurableH2Backend).
 */
public final class MongoMain {
  private MongoMain() {}

  /**
   * H2 writes its changes to the file about once a second, so a kill -9 lost the last second of
   * writes the server had acknowledged. This one commits after each command that writes, before
   * its answer goes out, as MongoDB's journal does for an acknowledged write: a killed process
   * loses none (a power cut may: the commit is not synced to disk).
   */
  static final class DurableH2Backend extends H2Backend {
    private static final Set<String> WRITES = Set.of(
        "insert", "update", "delete", "findandmodify", "create", "createindexes", "drop",
        "dropindexes", "dropdatabase", "renamecollection");

    DurableH2Backend(String file) {
      super(file);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
      Document answer = super.handleCommand(channel, database, command, query);
      if (WRITES.contains(command.toLowerCase(Locale.ROOT))) commit();
      return answer;
    }
  }

  public static void main(String[] args) throws IOException {
    List<String> options = Arrays.asList(args);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    boolean exitWithStdin = options.contains("--exit-with-stdin");
    int dataFile = options.indexOf("--data-file");
    // The Node driver (6.x, under mongoose 8) refuses servers older than MongoDB 4.2 (wire
    // version 8); mongo-java-server announces 3.6 unless told otherwise.
    MongoBackend backend = (dataFile < 0 ? new MemoryBackend() : new DurableH2Backend(args[dataFile + 1])).version(ServerVersion.MONGO_5_0);
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    // shutdown() closes the connections with the event loops; then the backend closes, which
    // writes the H2 store's last changes to its file.
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
