import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { listeningPort } from './listening-port';

describe('listeningPort', () => {
  it('is the port a child bound with port 0, read from its sockets, and undefined before it listens', async () => {
    const script =
      "setTimeout(() => require('net').createServer().listen(0, '127.0.0.1', function () { console.log(this.address().port); }), 300)";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      expect(listeningPort(child.pid!)).toBeUndefined();
      const [line] = (await once(child.stdout, 'data')) as Buffer[];
      expect(listeningPort(child.pid!)).toBe(Number(line.toString().trim()));
    } finally {
      child.kill();
    }
  });
});
