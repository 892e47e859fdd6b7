import { createGateway } from './gateway';
import { GatewayConfigError, loadGatewayConfig } from './config';

try {
  const config = loadGatewayConfig(process.env);
  const server = createGateway(config).listen(config.port, config.host, () => {
    const routes = Object.entries(config.upstreams).map(([service, url]) => `${service} -> ${url}`);
    console.log(`Gateway listening on http://${config.host}:${config.port} (API docs: /docs; ${routes.join(', ')})`);
  });
  server.on('error', (error) => {
    console.error(`Gateway: cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });
  const stop = () => (server.close(() => process.exit(0)), server.closeAllConnections());
  process.once('SIGINT', stop).once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof GatewayConfigError ? `Gateway: ${error.message}` : error);
  process.exit(1);
}
