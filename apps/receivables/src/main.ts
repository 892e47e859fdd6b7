import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ReceivablesModule } from '@billing/receivables/feature';
import { buildInfrastructure, startHttp } from '@billing/shared/platform';
import { ConfigError, InfrastructureModule, loadConfig } from '@billing/shared/nest';

async function main() {
  const config = loadConfig(process.env, { port: 3004 });
  @Module({ imports: [InfrastructureModule.forRoot(buildInfrastructure(config)), ReceivablesModule] })
  class ReceivablesApp {}
  await startHttp(ReceivablesApp, config, 'Receivables service');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
