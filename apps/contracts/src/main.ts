import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ContractsModule } from '@billing/contracts/feature';
import { buildInfrastructure, startHttp } from '@billing/shared/platform';
import { ConfigError, InfrastructureModule, loadConfig } from '@billing/shared/nest';

async function main() {
  const config = loadConfig(process.env, { port: 3001 });
  @Module({ imports: [InfrastructureModule.forRoot(buildInfrastructure(config)), ContractsModule] })
  class ContractsApp {}
  await startHttp(ContractsApp, config, 'Contracts service');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
