import 'reflect-metadata';
import { buildInfrastructure, startHttp } from '@billing/shared/platform';
import { ConfigError, loadConfig } from '@billing/shared/nest';
import { StandaloneModule } from './app.module';

async function main() {
  const config = loadConfig(process.env, { port: 3000 });
  await startHttp(StandaloneModule.with(buildInfrastructure(config)), config, 'Contract billing (embedded)');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
