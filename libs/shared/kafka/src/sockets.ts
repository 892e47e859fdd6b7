import { connect, Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/**
 * The sockets of one bus instance, so that `kill()` can drop them all as a crashed process would:
 * no LeaveGroup, no commit, no goodbye; the broker notices only when the session times out.
 */
export class Sockets {
  private readonly open = new Set<Socket>();
  private dead = false;

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    if (this.dead) {
      const socket = new Socket();
      process.nextTick(() => socket.destroy(new Error('this bus instance was killed')));
      return socket;
    }
    const socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  kill(): void {
    this.dead = true;
    // With an error: kafkajs hears of a socket only through 'error' and 'end', never 'close'.
    this.open.forEach((socket) => socket.destroy(new Error('this bus instance was killed')));
    this.open.clear();
  }
}
