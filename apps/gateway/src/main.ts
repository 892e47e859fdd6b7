import { logger, setLogLevel } from '@billing/shared/logging';
import { Draining } from '@billing/shared/nest';
import { createGateway, shutDown } from './gateway';
import { GatewayConfigError, loadGatewayConfig } from './config';

try {
  logger.setBindings({ service: 'gateway' });
  const config = loadGatewayConfig(process.env);
  setLogLevel(config.logLevel);
  const draining = new Draining();
  const server = createGateway(config, draining).listen(config.port, config.host, () => {
    const routes = Object.entries(config.upstreams).map(([service, url]) => `${service} -> ${url}`);
    logger.info(
      `Gateway listening on http://${config.host}:${config.port} (API docs: /docs; ${routes.join(', ')})`,
    );
  });
  server.on('error', (error) => {
    logger.fatal(`Gateway: cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });
  const stop = () => void shutDown(server, draining).then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
} catch (error) {
  if (error instanceof GatewayConfigError) logger.fatal(`Gateway: ${error.message}`);
  else logger.fatal({ err: error }, 'Gateway could not start');
  process.exit(1);
}
